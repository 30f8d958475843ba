"""Narration audio: what a file holds, read from its headers only.

Curators record on phones and export from whatever editor they have, so the build must
catch what breaks on visitors' phones before publishing: a file cut short by an upload,
a photo saved with an ``.mp3`` name.  Everything here is pure Python reading headers only,
so ``disan check`` works on any machine.  Durations come from the container, not from
decoding:

* WAV / RF64: ``fmt `` and ``data`` chunks; frames = data bytes / block align.
* MP3: ID3v2 skipped; a Xing/Info or VBRI header gives the frame count, otherwise every
  frame header is walked and counted (exact for CBR and VBR alike).
* AAC in ADTS (``.aac``): every ADTS frame counted (1024 samples each).
* OGG (Vorbis or Opus): granule position of the last page / sample rate; Opus granules
  are always at 48 kHz and include the pre-skip of the ``OpusHead``.
* MP4 / M4A: atoms walked to the sound track's ``mdhd`` (falling back to ``mvhd`` and,
  for fragmented files, ``mehd``).
* FLAC: ``STREAMINFO`` total samples / sample rate.

Bad audio raises ``AudioError(message, hint)``, which the caller turns into a Problem.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import InputError

#: File suffixes accepted for narration (the same as validate.MEDIA_SUFFIXES["audio"] + FLAC).
AUDIO_SUFFIXES = (".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac")

_REEXPORT = "export the narration again as MP3 (64 kbit/s mono is plenty for speech) or Opus"


class AudioError(InputError):
    """An audio file that cannot be published; the caller turns it into a Problem."""


@dataclass(frozen=True)
class AudioInfo:
    """What the page needs about a narration file (``mime`` goes into ``<source type>``)."""

    format: str  # container: wav, mp3, aac, m4a, ogg, flac
    mime: str
    duration_s: float
    sample_rate: int
    channels: int
    bytes: int
    codec: str = ""  # pcm, float, mp3, aac, alac, opus, vorbis, flac, ...


def probe_audio(path: str | os.PathLike) -> AudioInfo:
    """Format, duration, rate and channels from the headers; raises AudioError if unusable.

    The format is recognised from the bytes, not from the suffix, so a renamed file is
    reported for what it is.  Zero-length audio is an error ("empty audio").
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise AudioError(f"audio file not found: {path}", "check the file name and folder") from None
    if size == 0:
        raise AudioError("empty file (0 bytes)", "copy or export the narration again; the upload may have failed")
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        info = _probe(data)
    if not info.duration_s > 0:
        raise AudioError(
            f"empty audio: the {info.format.upper()} file holds no sound (duration 0 s)",
            "export the narration again; the recording may have been cut to nothing",
        )
    return AudioInfo(info.format, info.mime, info.duration_s, info.sample_rate, info.channels, size, info.codec)


def _probe(data) -> AudioInfo:
    head = bytes(data[:64])
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return _probe_wav(data)
    if head[:4] == b"OggS":
        return _probe_ogg(data)
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"):
        raise AudioError(
            "not audio: the file is a HEIF/AVIF image",
            "the file may have been renamed or saved from the wrong program; " + _REEXPORT,
        )
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return _probe_mp4(data)
    if head[:4] == b"fLaC":
        return _probe_flac(data)
    start = _skip_id3(data)
    if start >= len(data):
        raise AudioError("the file holds only an ID3 tag and no audio", _REEXPORT)
    b0, b1 = data[start], data[start + 1] if start + 1 < len(data) else 0
    if b0 == 0xFF and b1 & 0xF6 == 0xF0:  # ADTS: 12-bit sync, layer 00
        return _probe_adts(data, start)
    if b0 == 0xFF and b1 & 0xE0 == 0xE0:
        return _probe_mp3(data, start)
    if start == 0:
        what = _not_audio(head)
        if what:
            raise AudioError(
                f"not audio: the file is {what}",
                "the file may have been renamed or saved from the wrong program; " + _REEXPORT,
            )
    # MP3 with junk before the first frame (or after an ID3 tag): accept only a clear run of frames
    return _probe_mp3(data, start, strict=True)


_NOT_AUDIO = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x1aE\xdf\xa3", "a WebM/Matroska file, which not every phone can play"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
)


def _not_audio(head: bytes) -> str:
    for magic, what in _NOT_AUDIO:
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF":
        return f"a RIFF {head[8:12].decode('latin-1').strip()} file, not a WAVE"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return "an HTML/XML page (a download that saved an error page?)"
    try:
        head.decode("utf-8")
        if all(c >= 0x20 or c in b"\t\r\n" for c in head):
            return "a text file"
    except UnicodeDecodeError:
        pass
    return ""


# ---- WAV


_WAV_CODECS = {1: "pcm", 3: "float"}


@dataclass(frozen=True)
class _WavLayout:
    tag: int
    channels: int
    rate: int
    align: int
    bits: int
    data_start: int
    data_size: int


def _probe_wav(data) -> AudioInfo:
    wav = _wav_layout(data)
    return AudioInfo(
        "wav",
        "audio/wav",
        (wav.data_size // wav.align) / wav.rate,
        wav.rate,
        wav.channels,
        len(data),
        _WAV_CODECS[wav.tag],
    )


def _wav_layout(data) -> _WavLayout:
    size = len(data)
    ds64_data_size = None
    fmt = None
    data_start = data_size = None
    pos = 12
    while pos + 8 <= size:
        cid = bytes(data[pos : pos + 4])
        (length,) = struct.unpack_from("<I", data, pos + 4)
        body = pos + 8
        if cid == b"ds64" and length >= 16:
            ds64_data_size = struct.unpack_from("<Q", data, body + 8)[0]
        elif cid == b"fmt ":
            if length < 16 or body + 16 > size:
                raise AudioError("truncated WAV: the fmt chunk is cut short", _REEXPORT)
            tag, channels, rate, _byte_rate, align, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == 0xFFFE and length >= 26 and body + 26 <= size:
                tag = struct.unpack_from("<H", data, body + 24)[0]  # WAVE_FORMAT_EXTENSIBLE sub-format
            fmt = (tag, channels, rate, align, bits)
        elif cid == b"data":
            if length == 0xFFFFFFFF and ds64_data_size is not None:
                length = ds64_data_size
            elif length == 0xFFFFFFFF:  # written by a streaming recorder that never came back
                length = size - body
            data_start, data_size = body, length
            if body + length > size:
                raise AudioError(
                    f"truncated WAV: the data chunk declares {length:,} bytes but only {size - body:,} are in the file",
                    "copy or export the narration again; the upload was cut short",
                )
            if fmt is not None:
                break
        pos = body + length + (length & 1)  # chunks are padded to an even size
    if fmt is None:
        raise AudioError("broken WAV: no fmt chunk (the file does not say how its sound is encoded)", _REEXPORT)
    if data_start is None or data_size is None:
        raise AudioError("truncated WAV: no data chunk (the file holds no sound)", _REEXPORT)
    tag, channels, rate, align, bits = fmt
    if tag not in _WAV_CODECS:
        raise AudioError(
            f"this WAV is encoded with format 0x{tag:04x}, which browsers cannot play",
            "export it as 16-bit PCM WAV or, better, as MP3 or Opus",
        )
    if not (channels and rate and align):
        raise AudioError("broken WAV: its fmt chunk gives 0 channels, 0 Hz or a 0 block size", _REEXPORT)
    return _WavLayout(tag, channels, rate, align, bits, data_start, data_size)


# ---- MP3

_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
#: kbit/s by (3 for MPEG-1 or 2 for MPEG-2/2.5, layer) and bitrate index
_MP3_KBPS = {
    (3, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (3, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (3, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_KBPS[(2, 3)] = _MP3_KBPS[(2, 2)]


@dataclass(frozen=True)
class _Frame:
    version: int  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    layer: int  # 1, 2 or 3
    rate: int
    channels: int
    length: int
    samples: int

    def same_stream(self, other: _Frame) -> bool:
        return (self.version, self.layer, self.rate) == (other.version, other.layer, other.rate)


def _mp3_frame(data, pos: int) -> _Frame | None:
    if pos + 4 > len(data) or data[pos] != 0xFF:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    if b1 & 0xE0 != 0xE0:
        return None
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3 or b3 & 3 == 2:
        return None  # reserved values (free-format bitrate is not supported by browsers either)
    layer = 4 - layer_bits
    kbps = _MP3_KBPS[(3 if version == 3 else 2, layer)][bitrate_index]
    rate = _MP3_RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    if layer == 1:
        length, samples = (12 * kbps * 1000 // rate + padding) * 4, 384
    elif layer == 2 or version == 3:
        length, samples = 144 * kbps * 1000 // rate + padding, 1152
    else:
        length, samples = 72 * kbps * 1000 // rate + padding, 576
    return _Frame(version, layer, rate, 1 if b3 >> 6 == 3 else 2, length, samples)


def _skip_id3(data) -> int:
    """Offset after any ID3v2 tags at the start (there may be several, some with footers)."""
    pos = 0
    while bytes(data[pos : pos + 3]) == b"ID3" and pos + 10 <= len(data):
        flags = data[pos + 5]
        s = data[pos + 6 : pos + 10]
        pos += 10 + ((s[0] & 0x7F) << 21 | (s[1] & 0x7F) << 14 | (s[2] & 0x7F) << 7 | (s[3] & 0x7F))
        if flags & 0x10:
            pos += 10
    return pos


def _audio_end(data) -> int:
    """Offset of the end of the audio: before an ID3v1 and/or APEv2 tag at the end."""
    end = len(data)
    if end >= 128 and bytes(data[end - 128 : end - 125]) == b"TAG":
        end -= 128
    if end >= 32 and bytes(data[end - 32 : end - 24]) == b"APETAGEX":
        end -= 32 + struct.unpack_from("<I", data, end - 20)[0]
    return max(end, 0)


def _find_mp3_sync(data, start: int, end: int, run: int, strict: bool = True) -> tuple[int, _Frame] | None:
    """First offset where `run` consistent frames follow each other.

    Fewer will do when the chain reaches the end of the file: two frames, or a single one
    when not ``strict`` and it sits right at ``start`` (a tiny file that starts with a frame).
    """
    pos = start
    while True:
        pos = data.find(b"\xff", pos, end)
        if pos < 0:
            return None
        first = _mp3_frame(data, pos)
        if first is not None:
            nxt, count = pos + first.length, 1
            while count < run and nxt < end:
                frame = _mp3_frame(data, nxt)
                if frame is None or not frame.same_stream(first):
                    break
                nxt, count = nxt + frame.length, count + 1
            at_end = end - 4 <= nxt <= end
            if count >= run or (at_end and (count >= 2 or (not strict and pos == start))):
                return pos, first
        pos += 1


def _probe_mp3(data, start: int, strict: bool = False) -> AudioInfo:
    end = _audio_end(data)
    found = _find_mp3_sync(data, start, end, run=6 if strict else 3, strict=strict)
    if found is None:
        if strict and start == 0:
            raise AudioError(
                "not a recognised audio file (MP3, M4A/AAC, OGG Vorbis/Opus, FLAC or WAV)",
                "the file may be damaged or renamed; " + _REEXPORT,
            )
        raise AudioError("undecodable MP3: no valid MPEG audio frame found", _REEXPORT)
    pos, first = found
    codec = "mp3" if first.layer == 3 else f"mp{first.layer}"
    mime = "audio/mpeg"
    # Xing/Info (LAME, ffmpeg) sits after the side information of the first frame
    side = (32 if first.channels == 2 else 17) if first.version == 3 else (17 if first.channels == 2 else 9)
    tag = pos + 4 + side
    if bytes(data[tag : tag + 4]) in (b"Xing", b"Info"):
        (flags,) = struct.unpack_from(">I", data, tag + 4)
        if flags & 1:
            (frames,) = struct.unpack_from(">I", data, tag + 8)
            if flags & 2:
                (declared,) = struct.unpack_from(">I", data, tag + 12)
                if end - pos < declared * 0.98 - 2 * first.length:
                    raise AudioError(
                        f"truncated MP3: its header declares {declared:,} bytes of audio but only "
                        f"{end - pos:,} are in the file",
                        "copy or export the narration again; it was cut short",
                    )
            return AudioInfo(
                "mp3", mime, frames * first.samples / first.rate, first.rate, first.channels, len(data), codec
            )
    # VBRI (Fraunhofer) always sits 32 bytes after the frame header
    if bytes(data[pos + 36 : pos + 40]) == b"VBRI":
        (frames,) = struct.unpack_from(">I", data, pos + 36 + 14)
        return AudioInfo("mp3", mime, frames * first.samples / first.rate, first.rate, first.channels, len(data), codec)
    frames = samples = 0
    while pos + 4 <= end:
        frame = _mp3_frame(data, pos)
        if frame is None or not frame.same_stream(first):
            again = _find_mp3_sync(data, pos + 1, end, run=3)
            if again is None:
                break
            pos = again[0]
            continue
        if pos + frame.length > end:  # the last frame is cut: players drop it too
            break
        frames += 1
        samples += frame.samples
        pos += frame.length
    return AudioInfo("mp3", mime, samples / first.rate, first.rate, first.channels, len(data), codec)


# ---- AAC (ADTS)

_AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)


def _probe_adts(data, start: int) -> AudioInfo:
    end = _audio_end(data)
    pos, samples, rate, channels, frames = start, 0, 0, 0, 0
    while pos + 7 <= end:
        if data[pos] != 0xFF or data[pos + 1] & 0xF6 != 0xF0:
            break
        rate_index = (data[pos + 2] >> 2) & 0xF
        length = (data[pos + 3] & 3) << 11 | data[pos + 4] << 3 | data[pos + 5] >> 5
        if rate_index >= len(_AAC_RATES) or length < 7:
            break
        if pos + length > end:
            break  # last frame cut
        if not rate:
            rate = _AAC_RATES[rate_index]
            channels = (data[pos + 2] & 1) << 2 | data[pos + 3] >> 6
        samples += 1024 * ((data[pos + 6] & 3) + 1)
        frames += 1
        pos += length
    if not frames:
        raise AudioError("undecodable AAC: no complete ADTS frame found", _REEXPORT)
    return AudioInfo("aac", "audio/aac", samples / rate, rate, channels or 2, len(data), "aac")


# ---- OGG

_OGG_CRC = []
for _i in range(256):
    _r = _i << 24
    for _ in range(8):
        _r = ((_r << 1) ^ 0x04C11DB7) if _r & 0x80000000 else _r << 1
    _OGG_CRC.append(_r & 0xFFFFFFFF)


def ogg_crc(page: bytes) -> int:
    """CRC-32 of an Ogg page (polynomial 0x04c11db7, not reflected), CRC field zeroed."""
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[((crc >> 24) ^ byte) & 0xFF]
    return crc


def _ogg_page(data, pos: int) -> tuple[int, int, int, int] | None:
    """(header type, granule, serial, end offset) of a complete, CRC-valid page at pos."""
    if pos + 27 > len(data) or bytes(data[pos : pos + 4]) != b"OggS" or data[pos + 4] != 0:
        return None
    htype, granule, serial, _seq, crc, nseg = struct.unpack_from("<BqIIIB", data, pos + 5)
    body = pos + 27 + nseg
    if body > len(data):
        return None
    end = body + sum(data[pos + 27 : body])
    if end > len(data):
        return None
    page = bytearray(data[pos:end])
    page[22:26] = b"\0\0\0\0"
    if ogg_crc(bytes(page)) != crc:
        return None
    return htype, granule, serial, end


def _probe_ogg(data) -> AudioInfo:
    first = _ogg_page(data, 0)
    if first is None:
        raise AudioError("truncated or damaged OGG: its first page is incomplete or fails its checksum", _REEXPORT)
    nseg = data[26]
    packet = bytes(data[27 + nseg : first[3]])
    serial = first[2]
    if packet.startswith(b"OpusHead") and len(packet) >= 19:
        channels, pre_skip = packet[9], struct.unpack_from("<H", packet, 10)[0]
        rate, codec, offset, mime = 48000, "opus", pre_skip, "audio/ogg; codecs=opus"
    elif packet.startswith(b"\x01vorbis") and len(packet) >= 16:
        channels, rate = packet[11], struct.unpack_from("<I", packet, 12)[0]
        codec, offset, mime = "vorbis", 0, "audio/ogg; codecs=vorbis"
    elif packet.startswith(b"\x7fFLAC") and len(packet) >= 51:
        info = _streaminfo(packet[17:51])
        return AudioInfo("ogg", "audio/ogg; codecs=flac", info[0], info[1], info[2], len(data), "flac")
    else:
        name = packet[:8].strip(b"\x00\x01\x7f ").decode("latin-1", "replace") or "unknown"
        raise AudioError(
            f"this OGG holds a '{name}' stream, which browsers cannot play; only Vorbis and Opus are supported",
            "export the narration as Opus or MP3",
        )
    if not rate or not channels:
        raise AudioError("broken OGG: its header gives 0 Hz or 0 channels", _REEXPORT)
    # the last complete page of this stream with a granule position
    granule, last_end, window = None, None, 65536
    size = len(data)
    while granule is None:
        lo = max(0, size - window)
        pos = size
        while granule is None:
            pos = data.rfind(b"OggS", lo, pos)
            if pos < 0:
                break
            page = _ogg_page(data, pos)
            if page is not None:
                if last_end is None:
                    last_end = page[3]
                if page[2] == serial and page[1] != -1:
                    granule = page[1]
        if lo == 0:
            break
        window *= 4
    if last_end is not None and last_end < size and bytes(data[last_end : last_end + 4]) == b"OggS":
        raise AudioError(
            f"truncated or damaged OGG: the last page is cut short or fails its checksum "
            f"({size - last_end:,} bytes at the end)",
            "copy or export the narration again; it was cut short or damaged",
        )
    if granule is None:
        raise AudioError("undecodable OGG: no page with a playback position was found", _REEXPORT)
    return AudioInfo("ogg", mime, max(granule - offset, 0) / rate, rate, channels, size, codec)


# ---- FLAC


def _streaminfo(block: bytes) -> tuple[float, int, int]:
    bits = int.from_bytes(block[10:18], "big")
    rate, channels, total = bits >> 44, ((bits >> 41) & 7) + 1, bits & 0xFFFFFFFFF
    if not rate:
        raise AudioError("broken FLAC: its STREAMINFO gives 0 Hz", _REEXPORT)
    return total / rate, rate, channels


def _probe_flac(data) -> AudioInfo:
    if len(data) < 42 or data[4] & 0x7F != 0:
        raise AudioError("truncated FLAC: no complete STREAMINFO block", _REEXPORT)
    duration, rate, channels = _streaminfo(bytes(data[8:42]))
    return AudioInfo("flac", "audio/flac", duration, rate, channels, len(data), "flac")


# ---- MP4 / M4A

_MP4_CODECS = {
    b"mp4a": "aac",
    b"alac": "alac",
    b"Opus": "opus",
    b"fLaC": "flac",
    b".mp3": "mp3",
    b"ac-3": "ac3",
    b"ec-3": "eac3",
}


def _atoms(data, start: int, end: int, top: bool = False) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                break
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise AudioError(f"broken MP4: atom '{kind.decode('latin-1')}' has an impossible size", _REEXPORT)
        if pos + size > end:
            if top:
                raise AudioError(
                    f"truncated M4A/MP4: the '{kind.decode('latin-1')}' atom declares {size:,} bytes but only "
                    f"{end - pos:,} are in the file",
                    "copy or export the narration again; it was cut short",
                )
            raise AudioError(f"broken MP4: atom '{kind.decode('latin-1')}' runs past its parent", _REEXPORT)
        yield kind, pos + header, pos + size
        pos += size


def _child(data, start: int, end: int, *path: bytes) -> tuple[int, int] | None:
    for name in path:
        for kind, body, stop in _atoms(data, start, end):
            if kind == name:
                start, end = body, stop
                break
        else:
            return None
    return start, end


def _timescale_duration(data, body: int) -> tuple[int, int]:
    """(timescale, duration) of an mvhd or mdhd body (version 0 or 1)."""
    if data[body] == 1:
        timescale, duration = struct.unpack_from(">IQ", data, body + 20)
    else:
        timescale, duration = struct.unpack_from(">II", data, body + 12)
        if duration == 0xFFFFFFFF:
            duration = 0
    return timescale, duration


def _probe_mp4(data) -> AudioInfo:
    top = {kind: (body, stop) for kind, body, stop in _atoms(data, 0, len(data), top=True)}
    if b"moov" not in top:
        raise AudioError(
            "truncated or unfinished M4A/MP4: it has no 'moov' atom (the index written when recording stops)",
            "export the narration again, or let the recorder finish saving",
        )
    moov = top[b"moov"]
    mvhd = _child(data, *moov, b"mvhd")
    movie_scale, movie_duration = _timescale_duration(data, mvhd[0]) if mvhd else (0, 0)
    for kind, body, stop in _atoms(data, *moov):
        if kind != b"trak":
            continue
        hdlr = _child(data, body, stop, b"mdia", b"hdlr")
        if hdlr is None or bytes(data[hdlr[0] + 8 : hdlr[0] + 12]) != b"soun":
            continue
        scale, duration = 0, 0
        mdhd = _child(data, body, stop, b"mdia", b"mdhd")
        if mdhd:
            scale, duration = _timescale_duration(data, mdhd[0])
        codec, channels, rate = "", 0, 0
        stsd = _child(data, body, stop, b"mdia", b"minf", b"stbl", b"stsd")
        if stsd:
            for entry, ebody, _estop in _atoms(data, stsd[0] + 8, stsd[1]):
                codec = _MP4_CODECS.get(entry, entry.decode("latin-1").strip())
                channels = struct.unpack_from(">H", data, ebody + 16)[0]
                rate = struct.unpack_from(">I", data, ebody + 24)[0] >> 16
                break
        seconds = duration / scale if scale and duration else 0.0
        if not seconds and movie_scale and movie_duration:
            seconds = movie_duration / movie_scale
        if not seconds and movie_scale:
            mehd = _child(data, *moov, b"mvex", b"mehd")
            if mehd:
                wide = data[mehd[0]] == 1
                frag = struct.unpack_from(">Q" if wide else ">I", data, mehd[0] + 4)[0]
                seconds = frag / movie_scale
            elif _child(data, *moov, b"mvex"):
                raise AudioError(
                    "this M4A/MP4 is fragmented and does not say how long it is",
                    "export it again as a regular (not fragmented, not streaming) M4A, or as MP3",
                )
        if rate <= 1:
            rate = scale
        return AudioInfo("m4a", "audio/mp4", seconds, rate, channels, len(data), codec)
    raise AudioError("this MP4/M4A file has no sound track", "export the narration as M4A (AAC), MP3 or Opus")
