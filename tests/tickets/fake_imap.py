"""A small IMAP4rev1 responder on 127.0.0.1 for tests: just enough of RFC 3501 for
imaplib's CAPABILITY, LOGIN, SELECT, SEARCH (UNSEEN, UNFLAGGED, ALL), FETCH (RFC822,
BODY.PEEK[], BODY[]), STORE +FLAGS, NOOP and LOGOUT. One mailbox, INBOX."""
from __future__ import annotations

import re
import shlex
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class FakeMessage:
    raw: bytes
    flags: set[str] = field(default_factory=set)


class Mailbox:
    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.messages: list[FakeMessage] = []
        self.lock = threading.Lock()
        self.commands: list[str] = []

    def deliver(self, raw: bytes) -> int:
        with self.lock:
            self.messages.append(FakeMessage(raw=raw))
            return len(self.messages)

    def flags(self, number: int) -> set[str]:
        return set(self.messages[number - 1].flags)


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def send(self, line: str | bytes) -> None:
        data = line if isinstance(line, bytes) else line.encode()
        self.wfile.write(data + b"\r\n")

    def handle(self):
        box = self.server.mailbox
        self.send("* OK Fake IMAP4rev1 ready")
        authed = selected = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            text = line.decode().rstrip("\r\n")
            box.commands.append(text)
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                user, password = shlex.split(args)
                if (user, password) == (box.user, box.password):
                    authed = True
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "NOOP":
                self.send(f"{tag} OK NOOP completed")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            elif not authed:
                self.send(f"{tag} BAD not authenticated")
            elif command == "SELECT":
                if args.strip('"').upper() != "INBOX":
                    self.send(f"{tag} NO no such mailbox")
                    continue
                selected = True
                with box.lock:
                    self.send(f"* {len(box.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send("* FLAGS (\\Seen \\Flagged \\Answered \\Deleted \\Draft)")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif not selected:
                self.send(f"{tag} BAD no mailbox selected")
            elif command == "SEARCH":
                criteria = args.upper().split()
                with box.lock:
                    hits = [str(n) for n, m in enumerate(box.messages, 1)
                            if ("UNSEEN" not in criteria or "\\Seen" not in m.flags)
                            and ("UNFLAGGED" not in criteria or "\\Flagged" not in m.flags)]
                self.send("* SEARCH" + "".join(f" {n}" for n in hits))
                self.send(f"{tag} OK SEARCH completed")
            elif command == "FETCH":
                number_text, _, what = args.partition(" ")
                number = int(number_text)
                with box.lock:
                    if not 1 <= number <= len(box.messages):
                        self.send(f"{tag} BAD no such message")
                        continue
                    message = box.messages[number - 1]
                    peek = "PEEK" in what.upper()
                    name = "RFC822" if "RFC822" in what.upper() else "BODY[]"
                    if not peek:
                        message.flags.add("\\Seen")
                    raw = message.raw
                self.wfile.write(f"* {number} FETCH ({name} {{{len(raw)}}}\r\n".encode())
                self.wfile.write(raw)
                self.send(")")
                self.send(f"{tag} OK FETCH completed")
            elif command == "STORE":
                match = re.match(r"(\d+) \+FLAGS(?:\.SILENT)? \((.*)\)", args, re.IGNORECASE)
                if not match:
                    self.send(f"{tag} BAD bad STORE")
                    continue
                number = int(match.group(1))
                with box.lock:
                    message = box.messages[number - 1]
                    message.flags.update(match.group(2).split())
                    flags = " ".join(sorted(message.flags))
                self.send(f"* {number} FETCH (FLAGS ({flags}))")
                self.send(f"{tag} OK STORE completed")
            elif command in ("CLOSE", "EXPUNGE"):
                self.send(f"{tag} OK {command} completed")
            else:
                self.send(f"{tag} BAD unknown command {command}")


class FakeImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mailbox = mailbox
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self.thread.join(5)
