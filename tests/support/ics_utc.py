#!/usr/bin/python3
"""Reads an iCalendar file the way a calendar application does and prints each
event's start and end in UTC. The TZID is resolved with the file's own
VTIMEZONE (icalendar's Timezone.to_tz), not the local tz database, so this
checks the definition HireHub wrote. Output: `DTSTART 2027-03-15T14:00:00Z`."""
import datetime
import sys

from icalendar import Calendar

cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
zones = {str(tz["TZID"]): tz.to_tz() for tz in cal.walk("VTIMEZONE")}
for ev in cal.walk("VEVENT"):
    for key in ("DTSTART", "DTEND"):
        prop = ev[key]
        tzid = prop.params.get("TZID")
        naive = prop.dt.replace(tzinfo=None)
        local = zones[tzid].localize(naive)
        print(key, local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    print("STATUS", ev.get("STATUS"))
    print("SEQUENCE", ev.get("SEQUENCE"))
