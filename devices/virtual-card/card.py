"""The DSKE virtual smart card: the ISO 7816-4 subset the project uses, nothing more.

Standard library only. The card model is deliberately small but honest:
- one master file (MF, 3F00) that may hold one application DF (created with CREATE FILE);
- transparent EFs inside the application, each with compact-format access conditions (tag 8C);
- a PIN (reference 81) and a PUK (reference 82) with persistent retry counters: a try is
  counted (and saved) before the comparison, so pulling the card cannot undo it;
- a fixed capacity (bytes of EF data) enforced by CREATE FILE (6A84 when full);
- every state change is saved to the state file before the card answers, and the file is
  replaced atomically (write, rename), so each APDU is all-or-nothing, as on a card with
  tearing protection.
See docs/smart-cards.md for the layout, the APDUs and the access conditions.
"""

import hashlib
import hmac
import json
import os
import secrets

# ATR: TS=3B, T0=85 (TD1, 5 historical bytes), TD1=80 (T=0, TD2 follows), TD2=01 (T=1),
# historical bytes 80 | 73 C0 21 xx (compact TLV "card capabilities": selection by full DF
# name and by FID, data coding 21, third byte b7 = extended Lc/Le), then TCK.
ATR_EXTENDED = bytes.fromhex("3B 85 80 01 80 73 C0 21 40 56")
ATR_SHORT = bytes.fromhex("3B 85 80 01 80 73 C0 21 00 16")

MF_FID = 0x3F00
PIN_REF = 0x81
PUK_REF = 0x82
PIN_BLOCK = 16          # PINs travel as 16 bytes, padded with FF
MAX_TRIES = {PIN_REF: 3, PUK_REF: 3}

# Largest response data in one vpcd frame: 65535 - 2 status bytes. Largest command data:
# 65535 - 7 bytes of extended header.
MAX_RESPONSE_DATA = 65533
MAX_COMMAND_DATA = 65528

# Compact security condition bytes (ISO 7816-4, SC byte): 00 always, FF never,
# b5 (0x10) user authentication (our PIN, reference 81).
SC_ALWAYS = 0x00
SC_PIN = 0x10
SC_NEVER = 0xFF

# Access-mode bits for EFs (ISO 7816-4, AM byte).
AM_DELETE = 0x40
AM_UPDATE = 0x02
AM_READ = 0x01


class CardStatus(Exception):
    """Ends command processing with a status word (and no data)."""

    def __init__(self, sw):
        super().__init__("%04X" % sw)
        self.sw = sw


def fail(sw):
    raise CardStatus(sw)


class Command:
    __slots__ = ("cla", "ins", "p1", "p2", "data", "ne", "extended")

    def __init__(self, cla, ins, p1, p2, data, ne, extended):
        self.cla, self.ins, self.p1, self.p2 = cla, ins, p1, p2
        self.data, self.ne, self.extended = data, ne, extended


def parse_command(apdu):
    """Decodes cases 1, 2S, 3S, 4S, 2E, 3E, 4E; ne is None when the command has no Le."""
    if len(apdu) < 4:
        fail(0x6700)
    cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
    body = apdu[4:]
    n = len(body)
    if n == 0:
        return Command(cla, ins, p1, p2, b"", None, False)
    if n == 1:
        return Command(cla, ins, p1, p2, b"", body[0] or 256, False)
    if body[0] != 0:
        lc = body[0]
        if n == 1 + lc:
            return Command(cla, ins, p1, p2, bytes(body[1:]), None, False)
        if n == 2 + lc:
            return Command(cla, ins, p1, p2, bytes(body[1:1 + lc]), body[-1] or 256, False)
        fail(0x6700)
    if n == 3:
        le = (body[1] << 8) | body[2]
        return Command(cla, ins, p1, p2, b"", le or 65536, True)
    if n < 3:
        fail(0x6700)
    lc = (body[1] << 8) | body[2]
    if lc == 0:
        fail(0x6700)
    if n == 3 + lc:
        return Command(cla, ins, p1, p2, bytes(body[3:]), None, True)
    if n == 5 + lc:
        le = (body[-2] << 8) | body[-1]
        return Command(cla, ins, p1, p2, bytes(body[3:3 + lc]), le or 65536, True)
    fail(0x6700)


def tlv_parse(data):
    """BER-TLV with one- or two-byte tags (enough for the DOs this card knows)."""
    out = []
    i = 0
    while i < len(data):
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:
            if i >= len(data):
                fail(0x6A80)
            tag = (tag << 8) | data[i]
            i += 1
        if i >= len(data):
            fail(0x6A80)
        length = data[i]
        i += 1
        if length == 0x81 or length == 0x82:
            width = length - 0x80
            if i + width > len(data):
                fail(0x6A80)
            length = int.from_bytes(data[i:i + width], "big")
            i += width
        elif length > 0x7F:
            fail(0x6A80)
        if i + length > len(data):
            fail(0x6A80)
        out.append((tag, bytes(data[i:i + length])))
        i += length
    return out


def tlv(tag, value):
    value = bytes(value)
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    tag_bytes = tag.to_bytes(2, "big") if tag > 0xFF else bytes([tag])
    return tag_bytes + length + value


def pin_digest(salt, block):
    return hashlib.sha256(bytes.fromhex(salt) + block).hexdigest()


class CardState:
    """The card's non-volatile memory, kept in a JSON file (0600), replaced atomically."""

    def __init__(self, path, capacity, serial=None):
        self.path = path
        self.data = None
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)
            if capacity is not None and capacity != self.data["capacity"]:
                if capacity < self.used():
                    raise SystemExit("virtual card: %s holds %d bytes, more than --capacity %d"
                                     % (path, self.used(), capacity))
                self.data["capacity"] = capacity
                self.save()
        else:
            self.data = {
                "format": "dske-virtual-card/v1",
                "serial": serial or secrets.token_hex(8),
                "capacity": capacity if capacity is not None else 65536,
                "app": None,
            }
            self.save()

    def used(self):
        app = self.data["app"]
        if not app:
            return 0
        return sum(f["size"] for f in app["files"].values())

    def free(self):
        return self.data["capacity"] - self.used()

    def save(self):
        tmp = self.path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(self.data, f, sort_keys=True)
            f.flush()
            if os.environ.get("VCARD_FSYNC") == "1":
                os.fsync(f.fileno())
        os.replace(tmp, self.path)


class Card:
    """Processes command APDUs against a CardState; volatile state is reset by power and reset."""

    def __init__(self, state, extended=True, log=None):
        self.state = state
        self.extended = extended
        self.log = log or (lambda *_: None)
        self.atr = ATR_EXTENDED if extended else ATR_SHORT
        self.pull_after = None
        self.pull_tear = False
        self.power_reset()

    # --- volatile state -------------------------------------------------------------------

    def power_reset(self):
        self.current_df = MF_FID       # MF_FID or the application's FID
        self.current_ef = None         # FID of the selected EF
        self.verified = False          # security status: PIN 81 verified in this session
        self.pending = b""             # response bytes waiting for GET RESPONSE

    def deselect(self):
        self.current_ef = None
        self.verified = False

    def enter_df(self, fid):
        """Selecting another DF clears the security status; selecting the current one keeps it."""
        if fid != self.current_df:
            self.current_df = fid
            self.verified = False
        self.current_ef = None

    # --- entry point ----------------------------------------------------------------------

    def process(self, apdu):
        try:
            cmd = parse_command(apdu)
            if cmd.extended and not self.extended:
                fail(0x6700)
            if cmd.cla & 0x0C:
                fail(0x6882)   # secure messaging
            if cmd.cla & 0x10:
                fail(0x6884)   # command chaining
            if cmd.cla != 0x00:
                fail(0x6E00)
            if cmd.ins != 0xC0:
                self.pending = b""
            if cmd.ins == 0xC0:
                return self.get_response(cmd)
            handler = self.HANDLERS.get(cmd.ins)
            if handler is None:
                fail(0x6D00)
            data, sw = handler(self, cmd)
        except CardStatus as status:
            return status.sw.to_bytes(2, "big")
        return self.shape(cmd, data, sw)

    def shape(self, cmd, data, sw):
        """Fits response data to Ne: the rest waits for GET RESPONSE (61xx), as on T=0."""
        if data and sw in (0x9000, 0x6282):
            limit = MAX_RESPONSE_DATA if cmd.ne is None else min(cmd.ne, MAX_RESPONSE_DATA)
            if cmd.ne is None or len(data) > limit:
                head = b"" if cmd.ne is None else data[:limit]
                self.pending = data[len(head):]
                return head + bytes([0x61, min(len(self.pending), 256) & 0xFF])
        return data + sw.to_bytes(2, "big")

    # --- helpers --------------------------------------------------------------------------

    @property
    def app(self):
        return self.state.data["app"]

    def in_app(self):
        return self.app is not None and self.current_df == int(self.app["fid"], 16)

    def require_app(self):
        if not self.in_app():
            fail(0x6A82)

    def current_file(self):
        if self.current_ef is None or not self.in_app():
            fail(0x6986)   # command not allowed: no current EF
        return self.app["files"]["%04X" % self.current_ef]

    def check(self, condition):
        if condition == SC_ALWAYS:
            return
        if condition == SC_PIN and self.verified:
            return
        fail(0x6982)

    def pin(self, ref):
        if not self.in_app() or ref not in (PIN_REF, PUK_REF):
            fail(0x6A88)
        return self.app["pins"]["%02X" % ref]

    def fcp_df(self):
        inner = tlv(0x82, [0x38])
        if self.in_app():
            inner += tlv(0x83, bytes.fromhex(self.app["fid"]))
            inner += tlv(0x84, bytes.fromhex(self.app["aid"]))
        else:
            inner += tlv(0x83, MF_FID.to_bytes(2, "big"))
        inner += tlv(0x8A, [0x05])
        info = tlv(0xC1, self.state.data["capacity"].to_bytes(4, "big"))
        info += tlv(0xC2, self.state.free().to_bytes(4, "big"))
        if self.extended:
            # Extended length information (ISO 7816-4 DO 7F66): max Nc, max Ne.
            info += tlv(0x7F66, tlv(0x02, MAX_COMMAND_DATA.to_bytes(2, "big"))
                        + tlv(0x02, MAX_RESPONSE_DATA.to_bytes(2, "big")))
        inner += tlv(0xA5, info)
        return inner

    def fcp_ef(self, fid, f):
        inner = tlv(0x80, f["size"].to_bytes(2, "big")) + tlv(0x82, [0x01])
        inner += tlv(0x83, fid.to_bytes(2, "big")) + tlv(0x8A, [0x05])
        inner += tlv(0x8C, bytes.fromhex(f["acl"]))
        return inner

    # --- SELECT ---------------------------------------------------------------------------

    def select(self, cmd):
        if cmd.p2 not in (0x00, 0x04, 0x0C):   # FCI, FCP or nothing; first occurrence only
            fail(0x6A86)
        if cmd.p1 == 0x04:
            if not self.app or cmd.data != bytes.fromhex(self.app["aid"]):
                fail(0x6A82)
            self.enter_df(int(self.app["fid"], 16))
            return self.select_answer(cmd, self.fcp_df())
        if cmd.p1 in (0x00, 0x02):
            if len(cmd.data) == 0 and cmd.p1 == 0x00:
                fid = MF_FID
            elif len(cmd.data) == 2:
                fid = int.from_bytes(cmd.data, "big")
            else:
                fail(0x6A87)
            if fid == MF_FID and cmd.p1 == 0x00:
                self.enter_df(MF_FID)
                return self.select_answer(cmd, self.fcp_df())
            if cmd.p1 == 0x00 and self.app and fid == int(self.app["fid"], 16):
                self.enter_df(fid)
                return self.select_answer(cmd, self.fcp_df())
            if self.in_app():
                f = self.app["files"].get("%04X" % fid)
                if f is not None:
                    self.current_ef = fid
                    return self.select_answer(cmd, self.fcp_ef(fid, f))
            fail(0x6A82)
        fail(0x6A86)

    def select_answer(self, cmd, inner):
        kind = cmd.p2 & 0x0C
        if kind == 0x0C:
            return b"", 0x9000
        if kind == 0x04:
            return tlv(0x62, inner), 0x9000
        return tlv(0x6F, inner), 0x9000

    # --- PIN handling ---------------------------------------------------------------------

    def consume_try(self, ref, block):
        """Counts the try (saved first), then compares; returns True when the value matches."""
        pin = self.pin(ref)
        if pin["digest"] is None:
            fail(0x6A88)
        if pin["tries"] == 0:
            fail(0x6983)
        pin["tries"] -= 1
        self.state.save()
        if hmac.compare_digest(pin_digest(pin["salt"], block), pin["digest"]):
            pin["tries"] = MAX_TRIES[ref]
            self.state.save()
            return True
        return False

    def tries_status(self, ref):
        tries = self.pin(ref)["tries"]
        return 0x6983 if tries == 0 else 0x63C0 | tries

    def verify(self, cmd):
        if cmd.p1 == 0xFF and not cmd.data:
            self.verified = False
            return b"", 0x9000
        if cmd.p1 != 0x00 or cmd.p2 not in (PIN_REF, PUK_REF):
            fail(0x6A86)
        pin = self.pin(cmd.p2)
        if pin["digest"] is None:
            fail(0x6A88)
        if not cmd.data:
            # A status query: no try is spent.
            if cmd.p2 == PIN_REF and self.verified:
                return b"", 0x9000
            return b"", self.tries_status(cmd.p2)
        if cmd.p2 != PIN_REF:
            fail(0x6A86)   # the PUK is presented only with RESET RETRY COUNTER
        if len(cmd.data) != PIN_BLOCK:
            fail(0x6700)
        if self.consume_try(PIN_REF, cmd.data):
            self.verified = True
            return b"", 0x9000
        self.verified = False
        return b"", 0x63C0 | pin["tries"]

    def set_reference(self, ref, block):
        pin = self.pin(ref)
        pin["salt"] = secrets.token_hex(16)
        pin["digest"] = pin_digest(pin["salt"], block)
        pin["tries"] = MAX_TRIES[ref]

    def change_reference_data(self, cmd):
        if cmd.p2 not in (PIN_REF, PUK_REF):
            fail(0x6A86)
        pin = self.pin(cmd.p2)
        if cmd.p1 == 0x01:
            # Initial setting: only while the reference data is not set (personalisation).
            if pin["digest"] is not None:
                fail(0x6985)
            if len(cmd.data) != PIN_BLOCK:
                fail(0x6700)
            self.set_reference(cmd.p2, cmd.data)
            self.state.save()
            return b"", 0x9000
        if cmd.p1 != 0x00:
            fail(0x6A86)
        if len(cmd.data) != 2 * PIN_BLOCK:
            fail(0x6700)
        if not self.consume_try(cmd.p2, cmd.data[:PIN_BLOCK]):
            if cmd.p2 == PIN_REF:
                self.verified = False
            return b"", 0x63C0 | pin["tries"]
        self.set_reference(cmd.p2, cmd.data[PIN_BLOCK:])
        self.state.save()
        if cmd.p2 == PIN_REF:
            self.verified = True
        return b"", 0x9000

    def reset_retry_counter(self, cmd):
        if cmd.p2 != PIN_REF:
            fail(0x6A86)
        if cmd.p1 == 0x00:
            if len(cmd.data) != 2 * PIN_BLOCK:
                fail(0x6700)
        elif cmd.p1 == 0x01:
            if len(cmd.data) != PIN_BLOCK:
                fail(0x6700)
        else:
            fail(0x6A86)
        puk = self.pin(PUK_REF)
        if self.pin(PIN_REF)["digest"] is None:
            fail(0x6A88)
        if not self.consume_try(PUK_REF, cmd.data[:PIN_BLOCK]):
            return b"", 0x63C0 | puk["tries"]
        if cmd.p1 == 0x00:
            self.set_reference(PIN_REF, cmd.data[PIN_BLOCK:])
        else:
            self.pin(PIN_REF)["tries"] = MAX_TRIES[PIN_REF]
        self.verified = False
        self.state.save()
        return b"", 0x9000

    # --- transparent EFs ------------------------------------------------------------------

    def acl(self, f, mode):
        """The SC byte of an access mode from the file's compact 8C value (absent = never)."""
        raw = bytes.fromhex(f["acl"])
        if not raw:
            return SC_NEVER
        am, scs = raw[0], raw[1:]
        index = 0
        for bit in (0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01):
            if am & bit:
                if bit == mode:
                    return scs[index] if index < len(scs) else SC_NEVER
                index += 1
        return SC_NEVER

    def offset_and_data(self, cmd, odd):
        if not odd:
            if cmd.p1 & 0x80:
                fail(0x6A81)   # short EF identifiers are not supported
            return (cmd.p1 << 8) | cmd.p2, cmd.data
        if cmd.p1 != 0 or cmd.p2 != 0:
            fail(0x6A81)   # odd INS only on the current EF
        dos = dict(tlv_parse(cmd.data))
        if 0x54 not in dos or not 1 <= len(dos[0x54]) <= 3:
            fail(0x6A80)
        return int.from_bytes(dos[0x54], "big"), dos.get(0x53, b"")

    def read_binary(self, cmd):
        odd = cmd.ins == 0xB1
        offset, _ = self.offset_and_data(cmd, odd)
        f = self.current_file()
        self.check(self.acl(f, AM_READ))
        size = f["size"]
        if offset >= size:
            fail(0x6B00)
        available = size - offset
        ne = cmd.ne if cmd.ne is not None else 256
        if odd:
            count = min(available, ne - 2)
            if count > 0x7F:
                count = min(available, ne - 3)
            if count > 0xFF:
                count = min(available, ne - 4)
            count = min(count, MAX_RESPONSE_DATA - 4)
            if count <= 0:
                fail(0x6700)
        else:
            if not cmd.extended and cmd.ne is not None and cmd.ne < 256 and cmd.ne > available:
                fail(0x6C00 | available)   # wrong Le: SW2 says how many bytes there are
            count = min(available, ne, MAX_RESPONSE_DATA)
        data = bytes.fromhex(f["data"])[offset:offset + count]
        # End of file before Ne bytes: a warning, the data is good.
        sw = 0x6282 if count == available and count < min(ne, MAX_RESPONSE_DATA) else 0x9000
        if odd:
            data = tlv(0x53, data)
        return data, sw

    def update_binary(self, cmd):
        odd = cmd.ins == 0xD7
        offset, data = self.offset_and_data(cmd, odd)
        f = self.current_file()
        self.check(self.acl(f, AM_UPDATE))
        if not data:
            fail(0x6700)
        if offset > f["size"]:
            fail(0x6B00)
        if offset + len(data) > f["size"]:
            fail(0x6A84)
        content = bytearray.fromhex(f["data"])
        if self.pull_after is not None:
            if self.pull_after == 0:
                # The armed pull: this update never completes. With tearing, half of it
                # reaches the memory first, as on a card without tearing protection.
                self.pull_after = None
                if self.pull_tear:
                    half = len(data) // 2
                    content[offset:offset + half] = data[:half]
                    f["data"] = content.hex()
                    self.state.save()
                raise CardPulled()
            self.pull_after -= 1
        content[offset:offset + len(data)] = data
        f["data"] = content.hex()
        self.state.save()
        return b"", 0x9000

    def arm_pull(self, after_updates, tear):
        """The card will drop off the reader on update number after_updates + 1."""
        self.pull_after = after_updates
        self.pull_tear = tear

    def erase_binary(self, cmd):
        if cmd.p1 & 0x80 or cmd.data:
            fail(0x6A81)
        offset = (cmd.p1 << 8) | cmd.p2
        f = self.current_file()
        self.check(self.acl(f, AM_UPDATE))
        if offset > f["size"]:
            fail(0x6B00)
        content = bytearray.fromhex(f["data"])
        content[offset:] = bytes(f["size"] - offset)
        f["data"] = content.hex()
        self.state.save()
        return b"", 0x9000

    # --- CREATE FILE / DELETE FILE (ISO 7816-9) -------------------------------------------

    def create_file(self, cmd):
        if cmd.p1 != 0 or cmd.p2 != 0:
            fail(0x6A86)
        outer = tlv_parse(cmd.data)
        if len(outer) != 1 or outer[0][0] != 0x62:
            fail(0x6A80)
        dos = dict(tlv_parse(outer[0][1]))
        descriptor = dos.get(0x82, b"")
        fid_bytes = dos.get(0x83, b"")
        if len(fid_bytes) != 2:
            fail(0x6A80)
        fid = int.from_bytes(fid_bytes, "big")
        if fid in (MF_FID, 0x3FFF, 0xFFFF):
            fail(0x6A80)
        if descriptor == b"\x38":
            return self.create_application(fid, dos.get(0x84, b""))
        if descriptor != b"\x01":
            fail(0x6A80)
        self.require_app()
        pins = self.app["pins"]
        if pins["81"]["digest"] is not None and not self.verified:
            fail(0x6982)
        size_bytes = dos.get(0x80, b"")
        if not 1 <= len(size_bytes) <= 3:
            fail(0x6A80)
        size = int.from_bytes(size_bytes, "big")
        if size == 0:
            fail(0x6A80)
        key = "%04X" % fid
        if key in self.app["files"] or fid == int(self.app["fid"], 16):
            fail(0x6A89)
        if size > self.state.free():
            fail(0x6A84)
        acl = dos.get(0x8C, b"")
        self.app["files"][key] = {"size": size, "acl": acl.hex(), "data": bytes(size).hex()}
        self.state.save()
        self.current_ef = fid
        return b"", 0x9000

    def create_application(self, fid, aid):
        if self.current_df != MF_FID:
            fail(0x6985)
        if not 5 <= len(aid) <= 16:
            fail(0x6A80)
        if self.app is not None:
            fail(0x6A8A if bytes.fromhex(self.app["aid"]) == aid else 0x6A84)
        self.state.data["app"] = {
            "fid": "%04X" % fid,
            "aid": aid.hex().upper(),
            "pins": {"%02X" % ref: {"digest": None, "salt": None, "tries": MAX_TRIES[ref]}
                     for ref in (PIN_REF, PUK_REF)},
            "files": {},
        }
        self.state.save()
        self.current_df = fid
        self.deselect()
        return b"", 0x9000

    def delete_file(self, cmd):
        if cmd.p1 != 0 or cmd.p2 != 0:
            fail(0x6A86)
        self.require_app()
        if not cmd.data:
            if self.current_ef is not None:
                return self.delete_ef(self.current_ef)
            return self.delete_application()
        if len(cmd.data) != 2:
            fail(0x6A80)
        return self.delete_ef(int.from_bytes(cmd.data, "big"))

    def delete_ef(self, fid):
        key = "%04X" % fid
        f = self.app["files"].get(key)
        if f is None:
            fail(0x6A82)
        self.check(self.acl(f, AM_DELETE))
        del self.app["files"][key]
        self.state.save()
        if self.current_ef == fid:
            self.current_ef = None
        return b"", 0x9000

    def delete_application(self):
        pins = self.app["pins"]
        pin, puk = pins["81"], pins["82"]
        unset = pin["digest"] is None
        # Like a PIV reset: with PIN and PUK both blocked, the holder may still wipe the card.
        dead = pin["tries"] == 0 and (puk["digest"] is None or puk["tries"] == 0)
        if not (self.verified or unset or dead):
            fail(0x6982)
        self.state.data["app"] = None
        self.state.save()
        self.current_df = MF_FID
        self.deselect()
        return b"", 0x9000

    # --- GET RESPONSE ---------------------------------------------------------------------

    def get_response(self, cmd):
        if cmd.p1 != 0 or cmd.p2 != 0:
            fail(0x6A86)
        if not self.pending:
            fail(0x6985)
        ne = cmd.ne if cmd.ne is not None else 256
        count = min(ne, MAX_RESPONSE_DATA, len(self.pending))
        head, self.pending = self.pending[:count], self.pending[count:]
        if self.pending:
            return head + bytes([0x61, min(len(self.pending), 256) & 0xFF])
        return head + b"\x90\x00"

    HANDLERS = {
        0xA4: select,
        0x20: verify,
        0x24: change_reference_data,
        0x2C: reset_retry_counter,
        0xB0: read_binary,
        0xB1: read_binary,
        0xD6: update_binary,
        0xD7: update_binary,
        0x0E: erase_binary,
        0xE0: create_file,
        0xE4: delete_file,
    }


class CardPulled(Exception):
    """Raised when a pull was armed to tear this update: the link must drop without answering."""
