#!/usr/bin/python3
"""A real HTTP server speaking the OpenAI-compatible API for tests:
POST /v1/chat/completions and POST /v1/embeddings. Every request is appended
to <file> as one JSON line {"path", "authorization", "body"}.

  --fail-first N    answer the first N requests 503
  --status S        answer every request with status S (e.g. 401)
  --delay-ms D      wait D ms before answering
  --malformed       answer 200 with JSON that has no choices / data
  --leak            add a phone number to the summary (the caller must mask it)
  --dims N          embedding size (default 8)
  --api-key K       answer 401 unless "Authorization: Bearer K"

    openai_server.py --port 8099 --file /tmp/llm.jsonl --model-tag A
"""
import argparse
import hashlib
import json
import sys
import threading
import time

from json_http import JsonHandler, serve


def vector(text, dims):
    h = hashlib.sha256(text.encode()).digest()
    return [((h[i % len(h)] - 128) / 128.0) + 0.01 for i in range(dims)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--malformed", action="store_true")
    ap.add_argument("--leak", action="store_true")
    ap.add_argument("--dims", type=int, default=8)
    ap.add_argument("--api-key", default="")
    ap.add_argument("--model-tag", default="fake")
    a = ap.parse_args()
    state = {"fail_left": a.fail_first}
    lock = threading.Lock()

    class Handler(JsonHandler):
        def do_POST(self):
            parsed = self.json_body()
            if parsed is None:
                return self.reply(400, {"error": {"message": "not json"}})
            with lock:
                with open(a.file, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization", ""),
                                        "body": parsed}, ensure_ascii=False) + "\n")
                failing = state["fail_left"] > 0
                if failing:
                    state["fail_left"] -= 1
            if a.delay_ms:
                time.sleep(a.delay_ms / 1000.0)
            if failing:
                return self.reply(503, {"error": {"message": "overloaded"}})
            if a.status:
                return self.reply(a.status, {"error": {"message": "refused"}})
            if a.api_key and self.headers.get("Authorization", "") != "Bearer " + a.api_key:
                return self.reply(401, {"error": {"message": "bad key"}})
            if a.malformed:
                return self.reply(200, {"object": "nothing"})
            if self.path.endswith("/chat/completions"):
                user = parsed["messages"][-1]["content"]
                text = "[%s] %s writes resumes with %d characters." % (a.model_tag, parsed["model"], len(user))
                if a.leak:
                    text += " Call 010-2345-6789."
                return self.reply(200, {"id": "chatcmpl-1", "object": "chat.completion", "model": parsed["model"],
                                        "choices": [{"index": 0, "finish_reason": "stop",
                                                     "message": {"role": "assistant", "content": text}}]})
            if self.path.endswith("/embeddings"):
                inputs = parsed["input"] if isinstance(parsed["input"], list) else [parsed["input"]]
                data = [{"object": "embedding", "index": i, "embedding": vector(t, a.dims)}
                        for i, t in enumerate(inputs)]
                data.reverse()  # clients must use "index", not the order
                return self.reply(200, {"object": "list", "data": data, "model": parsed["model"]})
            return self.reply(404, {"error": {"message": "no such route"}})

    serve(a.port, Handler, "openai-compatible server")


if __name__ == "__main__":
    sys.exit(main())
