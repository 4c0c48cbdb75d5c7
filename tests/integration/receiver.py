#!/usr/bin/env python3
"""receiver.py — a local stand-in for a vendor's robot, for test_delivery.

Checks what each vendor checks, independently of neiqin's code:
  wecom     POST .../send?key=<key>: {"msgtype":"markdown","markdown":{"content"}}
  dingtalk  ?access_token&timestamp(ms)&sign: base64(HMAC-SHA256(secret, ts + "\\n" + secret)),
            {"msgtype":"markdown","markdown":{"title","text"}}
  feishu    {"timestamp"(s),"sign": base64(HMAC-SHA256(ts + "\\n" + secret, "")),
            "msg_type":"interactive","card":{"header":{"title":{"content"}},"elements"}}
  webhook   X-Neiqin-Timestamp, X-Neiqin-Signature: sha256=hex(HMAC-SHA256(secret, ts + "." + body))
  email     an SMTP server (aiosmtpd) requiring AUTH as "robot" with the secret: the envelope
            from alerts@neiqin.test to lead@ and sales@neiqin.test, a text/plain UTF-8 message
            with From, To, Subject, Date and Message-ID; its "body" is
            {"subject", "text", "from", "to"} decoded
and answers like the vendor (errcode/code 0, or an error code when the
signature or body is wrong; SMTP 250, or 554 when the message is wrong).

Behaviour, set with --mode or at run time with POST /_mode {"mode": ...}:
  ok          answer at once
  fail:N      answer 500 to the next N messages, then ok
  down        answer 503 to every message
  slow:MS     wait MS milliseconds before answering
GET /_received answers every message so far: [{"ok", "why", "at" (ms), "body"}].
The port it listens on is written to --port-file (for email: "<http port> <smtp port>").
"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
received = []
state = {"mode": "ok", "failed": 0}


def b64_hmac(key, msg):
    return base64.b64encode(hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()).decode()


def check_wecom(args, q, body, headers):
    if q.get("key", [""])[0] != args.key:
        return "wrong key"
    if body.get("msgtype") != "markdown" or not body.get("markdown", {}).get("content"):
        return "not a markdown message"
    return None


def check_dingtalk(args, q, body, headers):
    if q.get("access_token", [""])[0] != args.key:
        return "wrong access_token"
    ts = q.get("timestamp", [""])[0]
    if not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 3600 * 1000:
        return "timestamp missing or more than an hour off"
    if q.get("sign", [""])[0] != b64_hmac(args.secret, ts + "\n" + args.secret):
        return "bad sign"
    md = body.get("markdown", {})
    if body.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
        return "not a markdown message"
    return None


def check_feishu(args, q, body, headers):
    ts = str(body.get("timestamp", ""))
    if not ts.isdigit() or abs(int(ts) - time.time()) > 3600:
        return "timestamp missing or more than an hour off"
    if body.get("sign") != b64_hmac(ts + "\n" + args.secret, ""):
        return "bad sign"
    card = body.get("card", {})
    if body.get("msg_type") != "interactive" or not card.get("header", {}).get("title", {}).get(
            "content") or not card.get("elements"):
        return "not an interactive card"
    return None


def check_webhook(args, q, raw, headers):
    ts = headers.get("X-Neiqin-Timestamp", "")
    sig = headers.get("X-Neiqin-Signature", "")
    want = "sha256=" + hmac.new(args.secret.encode(), ts.encode() + b"." + raw,
                                hashlib.sha256).hexdigest()
    if not ts.isdigit() or abs(int(ts) - time.time()) > 300:
        return "timestamp missing or outside 300 s"
    if not hmac.compare_digest(sig, want):
        return "bad signature"
    return None


def answer_for(kind, why):
    if kind in ("wecom", "dingtalk"):
        return {"errcode": 0, "errmsg": "ok"} if not why else {"errcode": 310000, "errmsg": why}
    if kind == "feishu":
        return {"code": 0, "msg": "success"} if not why else {"code": 19021, "msg": why}
    return {"ok": True} if not why else {"ok": False, "why": why}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            self.reply(200, list(received))

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_mode":
            with lock:
                state["mode"] = json.loads(raw)["mode"]
                state["failed"] = 0
            return self.reply(200, {"mode": state["mode"]})
        with lock:
            mode = state["mode"]
            if mode.startswith("fail:") and state["failed"] < int(mode[5:]):
                state["failed"] += 1
                received.append({"ok": False, "why": "answered 500", "at": time.time() * 1000,
                                 "body": None})
                return self.reply(500, {"error": "down for a moment"})
            if mode == "down":
                received.append({"ok": False, "why": "answered 503", "at": time.time() * 1000,
                                 "body": None})
                return self.reply(503, {"error": "down"})
        if mode.startswith("slow:"):
            time.sleep(int(mode[5:]) / 1000.0)
        try:
            body = json.loads(raw)
        except ValueError:
            body, why = None, "not JSON"
        else:
            q = urllib.parse.parse_qs(url.query)
            if ARGS.kind == "webhook":
                why = check_webhook(ARGS, q, raw, self.headers)
            else:
                why = CHECKS[ARGS.kind](ARGS, q, body, self.headers)
        with lock:
            received.append({"ok": why is None, "why": why, "at": time.time() * 1000,
                             "body": body})
        self.reply(200, answer_for(ARGS.kind, why))


CHECKS = {"wecom": check_wecom, "dingtalk": check_dingtalk, "feishu": check_feishu}

MAIL_FROM, MAIL_TO = "alerts@neiqin.test", ["lead@neiqin.test", "sales@neiqin.test"]


def check_mail(envelope):
    """(why, body): what is wrong with the e-mail (None: nothing) and what it says."""
    import email
    import email.policy
    import email.utils
    msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
    body = {"subject": str(msg["Subject"] or ""), "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos)}
    if envelope.mail_from != MAIL_FROM or sorted(envelope.rcpt_tos) != sorted(MAIL_TO):
        return "wrong envelope", body
    if msg["From"] != MAIL_FROM or not msg["Date"] or not msg["Message-ID"]:
        return "From, Date or Message-ID missing or wrong", body
    if sorted(a for _, a in email.utils.getaddresses([str(msg["To"])])) != sorted(MAIL_TO):
        return "To is not the recipients", body
    if msg.get_content_type() != "text/plain" or msg.get_content_charset() != "utf-8":
        return "not a UTF-8 text/plain message", body
    body["text"] = msg.get_content()
    return (None if body["subject"] and body["text"] else "no subject or no text"), body


class MailHandler:
    async def handle_DATA(self, server, session, envelope):
        import asyncio
        with lock:
            mode = state["mode"]
            failing = mode.startswith("fail:") and state["failed"] < int(mode[5:])
            if failing or mode == "down":
                state["failed"] += failing
                code = "451" if failing else "554"
                received.append({"ok": False, "why": "answered " + code,
                                 "at": time.time() * 1000, "body": None})
                return code + (" 4.3.0 down for a moment" if failing else " 5.3.0 down")
        if mode.startswith("slow:"):
            await asyncio.sleep(int(mode[5:]) / 1000.0)
        why, body = check_mail(envelope)
        if not session.authenticated:
            why = "not logged in"
        with lock:
            received.append({"ok": why is None, "why": why, "at": time.time() * 1000,
                             "body": body})
        return "250 OK" if why is None else "554 5.6.0 " + why


def mail_login(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult
    ok = auth_data.login == b"robot" and auth_data.password == ARGS.secret.encode()
    return AuthResult(success=ok)


def start_smtp():
    """An SMTP server on a free port of 127.0.0.1, requiring a login; its port."""
    import socket
    from aiosmtpd.controller import Controller
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctl = Controller(MailHandler(), hostname="127.0.0.1", port=port, authenticator=mail_login,
                     auth_required=True, auth_require_tls=False)
    ctl.start()
    return port

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--kind", required=True, choices=["wecom", "dingtalk", "feishu", "webhook", "email"])
    p.add_argument("--key", default="robot-key")
    p.add_argument("--secret", default="")
    p.add_argument("--mode", default="ok")
    p.add_argument("--port-file", required=True)
    ARGS = p.parse_args()
    state["mode"] = ARGS.mode
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    ports = str(srv.server_address[1])
    if ARGS.kind == "email":
        ports += " %d" % start_smtp()
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(ports)
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()
