"""Narration audio: what a file holds, read from its headers by mutagen.

Curators record on phones and export from whatever editor they have, so the build must
catch what breaks on visitors' phones before publishing: a file cut short by an upload,
a photo saved with an ``.mp3`` name.  mutagen reads duration, rate and channels of every
accepted container from its headers, without decoding, so ``disan check`` works on any
machine.  The container is told by its first bytes, not by the suffix, so a renamed file
is reported for what it is.

mutagen is lenient where a player is not: it measures a file cut short as if it were
whole, and it guesses the length of an MP3 without a Xing/VBRI header, or of ADTS AAC,
from the first frames.  A few small checks of our own, each saying why in its docstring,
keep cuts visible (the WAV data chunk, the top-level MP4 atoms, the last Ogg page, the
byte count an MP3 header declares) and count the frames mutagen only samples.

Bad audio raises ``AudioError(message, hint)``, which the caller turns into a Problem.
"""

from __future__ import annotations

import math
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mutagen import MutagenError
from mutagen._riff import RiffFile
from mutagen.aac import AAC
from mutagen.flac import FLAC
from mutagen.mp3 import HeaderNotFoundError, MPEGFrame, MPEGInfo, skip_id3
from mutagen.mp4 import MP4
from mutagen.ogg import OggFileType, OggPage
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from ..diagnostics import InputError

#: File suffixes accepted for narration (the same as validate.MEDIA_SUFFIXES["audio"] + FLAC).
AUDIO_SUFFIXES = (".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac")

_REEXPORT = "export the narration again as MP3 (64 kbit/s mono is plenty for speech) or Opus"
_CUT_SHORT = "copy or export the narration again; it was cut short (an upload or a copy that stopped)"


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


_Reader = Callable[[BinaryIO, int], AudioInfo]


def probe_audio(path: str | os.PathLike) -> AudioInfo:
    """Format, duration, rate and channels from the headers; raises AudioError if unusable.

    Zero-length audio is an error ("empty audio").
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise AudioError(f"audio file not found: {path}", "check the file name and folder") from None
    if size == 0:
        raise AudioError("empty file (0 bytes)", "copy or export the narration again; the upload may have failed")
    with path.open("rb") as handle:
        label, read = _reader(handle.read(64))
        handle.seek(0)
        try:
            info = read(handle, size)
        except (MutagenError, EOFError) as exc:
            raise AudioError(f"truncated or damaged {label}: {_reason(exc, path)}", _REEXPORT) from None
    if not (info.sample_rate and info.channels):
        raise AudioError(f"broken {info.format.upper()}: its header gives 0 Hz or 0 channels", _REEXPORT)
    if not info.duration_s > 0:
        raise AudioError(
            f"empty audio: the {info.format.upper()} file holds no sound (duration 0 s)",
            "export the narration again; the recording may have been cut to nothing",
        )
    return info


def _reason(exc: Exception, path: Path) -> str:
    """mutagen's words for what it could not read, without the full path or the raw bytes it quotes."""
    said = str(exc).replace(str(path), path.name).split("; got ")[0]
    return f"mutagen cannot read it ({said[:100]})" if said else "it ends too soon"


def _from_stream(
    stream: Any, container: str, mime: str, codec: str, size: int, seconds: float | None = None, rate: int | None = None
) -> AudioInfo:
    """The record of a file from mutagen's stream info (whose attributes mutagen leaves untyped)."""
    seconds = stream.length if seconds is None else seconds
    rate = stream.sample_rate if rate is None else rate
    return AudioInfo(container, mime, seconds, rate, stream.channels, size, codec)


def _reader(head: bytes) -> tuple[str, _Reader]:
    """The reader for the container these first bytes start, and its name for messages."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "WAV", _probe_wav
    if head[:4] in (b"RF64", b"BW64"):
        raise AudioError(
            "this WAV is in the RF64 format (meant for recordings over 4 GB), which disan does not read",
            "export it as a regular 16-bit PCM WAV or, better, as MP3 or Opus",
        )
    if head[:4] == b"OggS":
        return "OGG", _probe_ogg
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"):
        raise _not_audio_error("a HEIF/AVIF image")
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return "M4A/MP4", _probe_m4a
    if head[:4] == b"fLaC":
        return "FLAC", _probe_flac
    what = _not_audio(head)
    if what:
        raise _not_audio_error(what)
    return "MP3 or AAC", _probe_mpeg


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
    """What a file that is no audio at all is, from its first bytes ("" if not recognised)."""
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
    except UnicodeDecodeError:
        return ""
    return "a text file" if all(c >= 0x20 or c in b"\t\r\n" for c in head) else ""


def _not_audio_error(what: str) -> AudioError:
    return AudioError(
        f"not audio: the file is {what}",
        "the file may have been renamed or saved from the wrong program; " + _REEXPORT,
    )


# ---- WAV


@dataclass(frozen=True)
class WavLayout:
    """How a WAV's samples are stored and where: what the probe reports and the MP3 encoder reads."""

    tag: int  # 1 = integer PCM, 3 = float
    channels: int
    rate: int
    align: int  # bytes per frame (all channels)
    data_start: int
    data_size: int


_WAV_CODECS = {1: "pcm", 3: "float"}


def wav_layout(handle: BinaryIO, size: int) -> WavLayout:
    """The layout of a WAV file, its chunks found by mutagen's RIFF reader.

    mutagen's ``WAVE`` keeps neither where the samples start (the encoder needs it) nor the
    sub-format of a WAVE_FORMAT_EXTENSIBLE file, and takes a data chunk cut by an upload at
    its declared size; so the 16-byte ``fmt`` record is unpacked here and the data chunk
    checked against the file size.
    """
    riff = RiffFile(handle)
    if "fmt" not in riff:
        raise AudioError("broken WAV: no fmt chunk (the file does not say how its sound is encoded)", _REEXPORT)
    if "data" not in riff:
        raise AudioError("truncated WAV: no data chunk (the file holds no sound)", _REEXPORT)
    fmt, data = riff["fmt"].read(), riff["data"]
    if len(fmt) < 16:
        raise AudioError("truncated WAV: the fmt chunk is cut short", _REEXPORT)
    tag, channels, rate, _byte_rate, align, _bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == 0xFFFE and len(fmt) >= 26:
        (tag,) = struct.unpack_from("<H", fmt, 24)  # WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts so
    data_size = size - data.data_offset if data.data_size == 0xFFFFFFFF else data.data_size  # streamed, size unknown
    if data.data_offset + data_size > size:
        raise AudioError(
            f"truncated WAV: the data chunk declares {data_size:,} bytes "
            f"but only {size - data.data_offset:,} are in the file",
            _CUT_SHORT,
        )
    if tag not in _WAV_CODECS:
        raise AudioError(
            f"this WAV is encoded with format 0x{tag:04x}, which browsers cannot play",
            "export it as 16-bit PCM WAV or, better, as MP3 or Opus",
        )
    if not (channels and rate and align):
        raise AudioError("broken WAV: its fmt chunk gives 0 channels, 0 Hz or a 0 block size", _REEXPORT)
    return WavLayout(tag, channels, rate, align, data.data_offset, data_size)


def _probe_wav(handle: BinaryIO, size: int) -> AudioInfo:
    wav = wav_layout(handle, size)
    duration = (wav.data_size // wav.align) / wav.rate
    return AudioInfo("wav", "audio/wav", duration, wav.rate, wav.channels, size, _WAV_CODECS[wav.tag])


# ---- MP3 and AAC (ADTS)


def _probe_mpeg(handle: BinaryIO, size: int) -> AudioInfo:
    """MP3, or AAC in ADTS frames, after any ID3v2 tags."""
    skip_id3(handle)
    start = handle.tell()
    if start >= size:
        raise AudioError("the file holds only an ID3 tag and no audio", _REEXPORT)
    sync = handle.read(2)
    if len(sync) == 2 and sync[0] == 0xFF and sync[1] & 0xF6 == 0xF0:  # ADTS: 12-bit sync, layer 00
        handle.seek(0)
        aac: Any = AAC(handle).info
        seconds = _counted_adts_samples(handle, start, size) / aac.sample_rate if aac.sample_rate else 0.0
        return _from_stream(aac, "aac", "audio/aac", "aac", size, seconds=seconds)
    try:
        mpeg: Any = MPEGInfo(handle, start)  # its attributes come from the first frame, untyped
    except MutagenError:
        if start == 0:
            raise AudioError(
                "not a recognised audio file (MP3, M4A/AAC, OGG Vorbis/Opus, FLAC or WAV)",
                "the file may be damaged or renamed; " + _REEXPORT,
            ) from None
        raise AudioError("undecodable MP3: no valid MPEG audio frame found", _REEXPORT) from None
    first_frame = getattr(mpeg, "frame_offset", start)
    if mpeg.bitrate and math.isclose(mpeg.length, 8 * (size - first_frame) / mpeg.bitrate):
        duration = _counted_mp3_duration(handle, mpeg, first_frame)
    else:
        _check_declared_size(mpeg, size - start)
        duration = mpeg.length
    codec = "mp3" if mpeg.layer == 3 else f"mp{mpeg.layer}"
    return _from_stream(mpeg, "mp3", "audio/mpeg", codec, size, seconds=duration)


def _counted_mp3_duration(handle: BinaryIO, mpeg: Any, first_frame: int) -> float:
    """The duration of a stream without a Xing/VBRI header, from its frames counted.

    mutagen guesses it from the file size at the first frame's bitrate, which is wrong for
    VBR (3.6 s short of 8.5 s for the corpus MP3 with its Info header blanked); counting
    the frames with mutagen's own frame reader is exact for CBR and VBR alike.
    """
    handle.seek(first_frame)
    frames = 0
    while True:
        try:
            MPEGFrame(handle)
        except HeaderNotFoundError:
            break
        frames += 1
    samples = 384 if mpeg.layer == 1 else 576 if mpeg.layer == 3 and mpeg.version > 1 else 1152
    return frames * samples / mpeg.sample_rate


def _counted_adts_samples(handle: BinaryIO, start: int, size: int) -> int:
    """The samples in an ADTS stream, every frame counted (a cut last frame left out).

    mutagen extrapolates the length from the first 100 frames, which for speech, whose
    pauses encode small, is off by 1 % (0.12 s on a 10 s clip); each 7-byte frame header
    gives the frame's length, so counting them all is exact and cheap.
    """
    samples, pos = 0, start
    while pos + 7 <= size:
        handle.seek(pos)
        header = handle.read(7)
        length = (header[3] & 3) << 11 | header[4] << 3 | header[5] >> 5
        if header[0] != 0xFF or header[1] & 0xF6 != 0xF0 or length < 7 or pos + length > size:
            break
        samples += 1024 * ((header[6] & 3) + 1)
        pos += length
    return samples


def _check_declared_size(mpeg: Any, audio_bytes: int) -> None:
    """A file cut short must not pass as whole.

    mutagen trusts a Xing/Info or VBRI header's frame count, so a cut file keeps its full
    duration; it derives the bitrate from the byte count that header declares, so bitrate
    x duration is the size the encoder wrote, which the file must nearly reach.
    """
    declared = round(mpeg.bitrate * mpeg.length / 8)
    if audio_bytes < declared * 0.98:
        raise AudioError(
            f"truncated MP3: its header declares {mpeg.length:.1f} s at {mpeg.bitrate // 1000} kbit/s, about "
            f"{declared:,} bytes of audio, but only {audio_bytes:,} are in the file",
            _CUT_SHORT,
        )


# ---- OGG

_OGG_CODECS: dict[bytes, tuple[type[OggFileType], str]] = {
    b"OpusHead": (OggOpus, "opus"),
    b"\x01vorbis": (OggVorbis, "vorbis"),
    b"\x7fFLAC": (OggFLAC, "flac"),
}


def _probe_ogg(handle: BinaryIO, size: int) -> AudioInfo:
    packet = b"".join(OggPage(handle).packets[:1])
    found = next((entry for magic, entry in _OGG_CODECS.items() if packet.startswith(magic)), None)
    if found is None:
        name = packet[:8].strip(b"\x00\x01\x7f ").decode("latin-1", "replace") or "unknown"
        raise AudioError(
            f"this OGG holds a '{name}' stream, which browsers cannot play; only Vorbis and Opus are supported",
            "export the narration as Opus or MP3",
        )
    reader, codec = found
    _check_last_ogg_page(handle, size)
    handle.seek(0)
    info: Any = reader(handle).info
    rate = 48000 if codec == "opus" else info.sample_rate  # Opus always plays at 48 kHz
    return _from_stream(info, "ogg", f"audio/ogg; codecs={codec}", codec, size, rate=rate)


def _check_last_ogg_page(handle: BinaryIO, size: int) -> None:
    """The last page must be whole and pass its checksum.

    mutagen measures an Ogg stream by the last page it can read, so a file cut in its last
    page would pass as a shorter one.  The last page is read where mutagen looks for it
    (the last ``OggS`` in the file) and written back by mutagen, which computes its CRC.
    """
    tail_start = max(0, size - 65536)
    handle.seek(tail_start)
    tail = handle.read()
    last = tail.rfind(b"OggS")
    handle.seek(tail_start + max(last, 0))
    try:
        page = OggPage(handle) if last >= 0 else None
    except (MutagenError, EOFError):
        page = None
    if page is None or page.write() != tail[last : last + page.size]:
        raise AudioError(
            f"truncated or damaged OGG: the last page is cut short or fails its checksum "
            f"({len(tail) - last:,} bytes at the end)",
            "copy or export the narration again; it was cut short or damaged",
        )


# ---- FLAC


def _probe_flac(handle: BinaryIO, size: int) -> AudioInfo:
    return _from_stream(FLAC(handle).info, "flac", "audio/flac", "flac", size)


# ---- MP4 / M4A


def _probe_m4a(handle: BinaryIO, size: int) -> AudioInfo:
    atoms = _top_level_atoms(handle, size)
    if b"moov" not in atoms:
        raise AudioError(
            "truncated or unfinished M4A/MP4: it has no 'moov' atom (the index written when recording stops)",
            "export the narration again, or let the recorder finish saving",
        )
    handle.seek(0)
    info: Any = MP4(handle).info
    if not info.codec:
        raise AudioError("this MP4/M4A file has no sound track", "export the narration as M4A (AAC), MP3 or Opus")
    if not info.length and b"moof" in atoms:
        raise AudioError(
            "this M4A/MP4 is fragmented and does not say how long it is",
            "export it again as a regular (not fragmented, not streaming) M4A, or as MP3",
        )
    codec = "aac" if info.codec.startswith("mp4a.40") else info.codec
    return _from_stream(info, "m4a", "audio/mp4", codec, size)


def _top_level_atoms(handle: BinaryIO, size: int) -> list[bytes]:
    """The names of the top-level atoms, each checked to end inside the file.

    mutagen reads only the ``moov`` index, so a file cut in its sound (``mdat``) passes
    it; walking the top-level headers is all it takes to see the cut.
    """
    names: list[bytes] = []
    pos = 0
    while pos + 8 <= size:
        handle.seek(pos)
        length, name = struct.unpack(">I4s", handle.read(8))
        if length == 1:
            length = int.from_bytes(handle.read(8), "big")  # a 64-bit size follows
        elif length == 0:
            length = size - pos
        if length < 8:
            raise AudioError(f"broken MP4: atom '{name.decode('latin-1')}' has an impossible size", _REEXPORT)
        if pos + length > size:
            raise AudioError(
                f"truncated M4A/MP4: the '{name.decode('latin-1')}' atom declares {length:,} bytes "
                f"but only {size - pos:,} are in the file",
                _CUT_SHORT,
            )
        names.append(name)
        pos += length
    return names
