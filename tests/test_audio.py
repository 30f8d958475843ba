"""Tests of builder/audio: header probing, transcripts, checks and WebVTT output.

Real clips come from the shared corpus (durations in /work/shared/corpus/SOURCES.md), and
from real encoders where they are installed (opusenc, oggenc, flac, ffmpeg; else skipped).
Every other file, and every broken one, is built byte by byte here from the format
specifications (the Ogg CRC below is a separate bitwise implementation), so odd but valid
layouts and each kind of damage are covered on any machine.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image

from builder import audio
from builder.audio import (
    AudioError,
    Cue,
    Transcript,
    check_transcript,
    parse_transcript,
    pick_language,
    probe_audio,
    read_transcript,
    to_webvtt,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
AUDIO = CORPUS / "audio"

# Transcripts from SOURCES.md (LJ Speech metadata.csv).
LJ001_0001 = (
    "Printing, in the only sense with which we are at present concerned, differs from most if not "
    "from all the arts and crafts represented in the Exhibition"
)
LJ001_0007 = 'the earliest book printed with movable types, the Gutenberg, or "forty-two line Bible" of about 1455,'


@pytest.fixture(scope="module")
def corpus_audio() -> Path:
    if not AUDIO.is_dir():
        pytest.skip(f"the shared corpus is not at {AUDIO}; these tests need its real narration clips")
    return AUDIO


# ----------------------------------------------------------------------------- writers


def write_wav(path: Path, seconds: float, rate: int = 16000, channels: int = 1, width: int = 2) -> Path:
    frames = round(seconds * rate)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(bytes(range(256)) * (frames * channels * width // 256) + bytes(frames * channels * width % 256))
    return path


def mp3_frames(count: int, header: bytes = b"\xff\xfb\x90\x40", length: int = 417, first_payload: bytes = b"") -> bytes:
    """`count` MPEG frames with the given 4-byte header (default MPEG-1 Layer III, 128 kbit/s,
    44.1 kHz, joint stereo, no padding: 144 * 128000 / 44100 = 417 bytes)."""
    frames = []
    for i in range(count):
        payload = first_payload if i == 0 else b""
        frames.append(header + payload + bytes(length - 4 - len(payload)))
    return b"".join(frames)


def id3v2(payload: bytes) -> bytes:
    n = len(payload)
    size = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    return b"ID3\x04\x00\x00" + size + payload


def ogg_crc_reference(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def ogg_page(packet: bytes, granule: int, serial: int, seq: int, flags: int) -> bytes:
    lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = b"OggS" + struct.pack("<BBqIIIB", 0, flags, granule, serial, seq, 0, len(lacing)) + bytes(lacing)
    page = bytearray(header + packet)
    page[22:26] = struct.pack("<I", ogg_crc_reference(bytes(page)))
    return bytes(page)


def ogg_file(head: bytes, granules: list[int], serial: int = 0x1234) -> bytes:
    """The identification header, an empty comment header (vendor and count 0), then audio pages."""
    tags = b"OpusTags" + bytes(8) if head.startswith(b"OpusHead") else b"\x03vorbis" + bytes(8) + b"\x01"
    pages = [ogg_page(head, 0, serial, 0, 0x02), ogg_page(tags, 0, serial, 1, 0)]
    for i, granule in enumerate(granules):
        pages.append(ogg_page(bytes(range(200)), granule, serial, i + 2, 0x04 if i == len(granules) - 1 else 0))
    return b"".join(pages)


def opus_head(channels: int = 1, pre_skip: int = 312) -> bytes:
    return b"OpusHead" + struct.pack("<BBHIhB", 1, channels, pre_skip, 16000, 0, 0)


def vorbis_head(channels: int = 2, rate: int = 44100) -> bytes:
    return b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, channels, rate, 0, 128000, 0, 0xB8, 1)


def atom(kind: bytes, *children: bytes) -> bytes:
    body = b"".join(children)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def esds(rate: int, channels: int) -> bytes:
    """An MPEG-4 elementary stream descriptor for AAC-LC (ISO 14496-1 8.3, 14496-3 1.6.2.1)."""
    rate_index = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000).index(rate)
    audio_config = struct.pack(">H", (2 << 11) | (rate_index << 7) | (channels << 3))
    specific = b"\x05" + bytes([len(audio_config)]) + audio_config
    config = bytes([0x40, 0x15]) + bytes(3) + struct.pack(">II", 128000, 128000) + specific
    stream = struct.pack(">HB", 1, 0) + b"\x04" + bytes([len(config)]) + config + b"\x06\x01\x02"
    return atom(b"esds", bytes(4), b"\x03" + bytes([len(stream)]) + stream)


def m4a_file(
    rate: int = 44100,
    seconds: float = 2.5,
    channels: int = 2,
    handler: bytes = b"soun",
    mdhd_scale: int | None = None,
    version: int = 0,
    mdat: bytes = bytes(64),
    movie_seconds: float | None = None,
) -> bytes:
    scale = mdhd_scale or rate
    duration = round(seconds * scale)
    if version == 1:
        times = struct.pack(">BxxxQQIQ", 1, 0, 0, scale, duration)
    else:
        times = struct.pack(">BxxxIIII", 0, 0, 0, scale, duration)
    mvhd = atom(b"mvhd", struct.pack(">BxxxIIII", 0, 0, 0, 1000, round((movie_seconds or seconds) * 1000)), bytes(80))
    mdhd = atom(b"mdhd", times, bytes(4))
    hdlr = atom(b"hdlr", bytes(8), handler, bytes(12), b"SoundHandler\x00")
    mp4a = atom(
        b"mp4a",
        bytes(6),
        struct.pack(">H", 1),
        bytes(8),
        struct.pack(">HHHHI", channels, 16, 0, 0, rate << 16),
        esds(rate, channels),
    )
    stsd = atom(b"stsd", struct.pack(">II", 0, 1), mp4a)
    trak = atom(b"trak", atom(b"tkhd", bytes(84)), atom(b"mdia", mdhd, hdlr, atom(b"minf", atom(b"stbl", stsd))))
    return atom(b"ftyp", b"M4A ", bytes(4), b"M4A mp42isom") + atom(b"moov", mvhd, trak) + atom(b"mdat", mdat)


def adts_frames(count: int, rate_index: int = 4, channels: int = 2, length: int = 200) -> bytes:
    header = bytes(
        [
            0xFF,
            0xF1,
            (1 << 6) | (rate_index << 2) | (channels >> 2),
            ((channels & 3) << 6) | (length >> 11),
            (length >> 3) & 0xFF,
            ((length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return (header + bytes(length - 7)) * count


def flac_file(rate: int, channels: int, total: int) -> bytes:
    bits = (rate << 44) | ((channels - 1) << 41) | (15 << 36) | total
    streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6) + bits.to_bytes(8, "big") + bytes(16)
    return b"fLaC" + bytes([0x80, 0, 0, 34]) + streaminfo + bytes(100)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def error_of(path: Path) -> AudioError:
    with pytest.raises(AudioError) as caught:
        probe_audio(path)
    return caught.value


# ----------------------------------------------------------------------------- corpus


@pytest.mark.parametrize(
    "name, seconds, rate, fmt",
    [
        ("LJ001-0001.wav", 9.66, 22050, "wav"),
        ("LJ001-0007.mp3", 8.46, 22050, "mp3"),
        ("p286_011.wav", 6.77, 48000, "wav"),
    ],
)
def test_corpus_durations(corpus_audio: Path, name: str, seconds: float, rate: int, fmt: str) -> None:
    info = probe_audio(corpus_audio / name)
    assert info.format == fmt
    assert info.duration_s == pytest.approx(seconds, abs=0.05)
    assert (info.sample_rate, info.channels) == (rate, 1)
    assert info.bytes == (corpus_audio / name).stat().st_size
    assert info.mime == {"wav": "audio/wav", "mp3": "audio/mpeg"}[fmt]


def test_corpus_mp3_without_info_header_is_counted(corpus_audio: Path, tmp_path: Path) -> None:
    """The same MP3 with its Info tag blanked: every frame is walked, one more frame (the tag)."""
    data = bytearray((corpus_audio / "LJ001-0007.mp3").read_bytes())
    at = data.index(b"Info")
    data[at : at + 4] = b"XXXX"
    (tmp_path / "blank.mp3").write_bytes(bytes(data))
    assert probe_audio(tmp_path / "blank.mp3").duration_s == pytest.approx(325 * 576 / 22050, abs=1e-6)


#: Real encoders (Debian packages lame, opus-tools, vorbis-tools, flac, ffmpeg): suffix, command, format,
#: codec, and how much longer than the WAV the encoded file may be (AAC adds its encoder delay and padding;
#: LAME's Info tag records both, and mutagen takes them off).
REAL_ENCODERS = {
    ".mp3": (["lame", "--quiet", "-V", "5", "{wav}", "{out}"], "mp3", "mp3", 0.001),
    ".opus": (["opusenc", "--quiet", "{wav}", "{out}"], "ogg", "opus", 0.001),
    ".ogg": (["oggenc", "-Q", "{wav}", "-o", "{out}"], "ogg", "vorbis", 0.001),
    ".flac": (["flac", "-s", "{wav}", "-o", "{out}"], "flac", "flac", 0.001),
    ".m4a": (["ffmpeg", "-v", "error", "-i", "{wav}", "-c:a", "aac", "{out}"], "m4a", "aac", 0.06),
    ".aac": (["ffmpeg", "-v", "error", "-i", "{wav}", "-c:a", "aac", "{out}"], "aac", "aac", 0.06),
}


def real_encoding(wav: Path, suffix: str, tmp_path: Path) -> Path:
    command, *_ = REAL_ENCODERS[suffix]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed; this test encodes a real {suffix} file with it")
    out = tmp_path / f"{wav.stem}{suffix}"
    subprocess.run([part.format(wav=wav, out=out) for part in command], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("suffix", REAL_ENCODERS)
def test_real_encoders(corpus_audio: Path, tmp_path: Path, suffix: str) -> None:
    """Files written by real encoders last as long as the WAV they were made from (9.655 s)."""
    info = probe_audio(real_encoding(corpus_audio / "LJ001-0001.wav", suffix, tmp_path))
    _, container, codec, added = REAL_ENCODERS[suffix]
    assert (info.format, info.codec) == (container, codec)
    assert 9.655 - 0.001 <= info.duration_s <= 9.655 + added


@pytest.mark.parametrize(
    "suffix, message",
    [(".opus", "truncated or damaged OGG"), (".ogg", "truncated or damaged OGG"), (".m4a", "truncated M4A/MP4")],
)
def test_real_files_cut_short(corpus_audio: Path, tmp_path: Path, suffix: str, message: str) -> None:
    """mutagen measures these as whole; the probe's own checks see the cut."""
    data = real_encoding(corpus_audio / "LJ001-0001.wav", suffix, tmp_path).read_bytes()
    (tmp_path / f"cut{suffix}").write_bytes(data[: len(data) - 300])
    assert error_of(tmp_path / f"cut{suffix}").message.startswith(message)


def test_corpus_mp3_cut_short(corpus_audio: Path, tmp_path: Path) -> None:
    """Its Info header declares the byte count, which a cut file does not reach."""
    data = (corpus_audio / "LJ001-0007.mp3").read_bytes()
    (tmp_path / "cut.mp3").write_bytes(data[: len(data) // 2])
    assert error_of(tmp_path / "cut.mp3").message.startswith("truncated MP3")


# ----------------------------------------------------------------------------- WAV


@pytest.mark.parametrize("seconds, rate, channels, width", [(1.5, 16000, 1, 2), (0.25, 44100, 2, 3), (2.0, 8000, 1, 1)])
def test_wav(tmp_path: Path, seconds: float, rate: int, channels: int, width: int) -> None:
    info = probe_audio(write_wav(tmp_path / "a.wav", seconds, rate, channels, width))
    assert (info.format, info.codec, info.sample_rate, info.channels) == ("wav", "pcm", rate, channels)
    assert info.duration_s == pytest.approx(seconds, abs=1e-9)


def test_wav_with_chunk_before_fmt_and_odd_padding(tmp_path: Path) -> None:
    pcm = bytes(16000 * 2)  # 1 s of 16 kHz 16-bit mono
    fmt = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)
    body = (
        b"WAVE"
        + b"JUNK"  # a LIST chunk would need a 4-byte list type
        + struct.pack("<I", 3)
        + b"abc\x00"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(pcm))
        + pcm
    )
    (tmp_path / "a.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert probe_audio(tmp_path / "a.wav").duration_s == pytest.approx(1.0)


def test_truncated_wav(tmp_path: Path) -> None:
    data = write_wav(tmp_path / "a.wav", 1.0).read_bytes()
    (tmp_path / "cut.wav").write_bytes(data[: len(data) // 2])
    error = error_of(tmp_path / "cut.wav")
    assert error.message.startswith("truncated WAV") and "32,000 bytes" in error.message and error.hint


def test_wav_without_sound_is_empty_audio(tmp_path: Path) -> None:
    assert "empty audio" in error_of(write_wav(tmp_path / "a.wav", 0.0)).message


def test_rf64_wav_is_refused_with_a_way_out(tmp_path: Path) -> None:
    data = bytearray(write_wav(tmp_path / "a.wav", 1.0).read_bytes())
    data[:4] = b"RF64"
    (tmp_path / "b.wav").write_bytes(bytes(data))
    error = error_of(tmp_path / "b.wav")
    assert "RF64" in error.message and "export it as a regular 16-bit PCM WAV" in error.hint


def test_wav_with_unplayable_codec(tmp_path: Path) -> None:
    fmt = struct.pack("<HHIIHH", 0x11, 1, 8000, 4055, 256, 4)  # IMA ADPCM
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 512) + bytes(512)
    (tmp_path / "a.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert "browsers cannot play" in error_of(tmp_path / "a.wav").message


# ----------------------------------------------------------------------------- not audio


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "a.mp3").write_bytes(b"")
    assert error_of(tmp_path / "a.mp3").message == "empty file (0 bytes)"


def test_renamed_jpeg(tmp_path: Path) -> None:
    (tmp_path / "photo.mp3").write_bytes(jpeg_bytes())
    error = error_of(tmp_path / "photo.mp3")
    assert "not audio" in error.message and "JPEG" in error.message and "renamed" in error.hint


@pytest.mark.parametrize(
    "content, words",
    [
        (b"<!DOCTYPE html><html><body>404</body></html>", "HTML"),
        ("Xin chào, đây là một tệp văn bản.\n".encode(), "text file"),
        (bytes(range(1, 200)) * 20, "not a recognised audio file"),
    ],
)
def test_other_non_audio(tmp_path: Path, content: bytes, words: str) -> None:
    (tmp_path / "a.m4a").write_bytes(content)
    assert words in error_of(tmp_path / "a.m4a").message


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in error_of(tmp_path / "nope.mp3").message


# ----------------------------------------------------------------------------- MP3


def test_mp3_cbr_frames_counted_after_id3(tmp_path: Path) -> None:
    # the ID3 tag holds a fake frame header that must not be taken for audio
    tag = id3v2(b"TXXX" + b"\xff\xfb\x90\x40" * 10)
    (tmp_path / "a.mp3").write_bytes(tag + mp3_frames(100) + b"TAG" + bytes(125))
    info = probe_audio(tmp_path / "a.mp3")
    assert (info.format, info.codec, info.sample_rate, info.channels) == ("mp3", "mp3", 44100, 2)
    assert info.duration_s == pytest.approx(100 * 1152 / 44100)


def test_mp3_xing_frame_count_is_used(tmp_path: Path) -> None:
    """1010 frames, of which the Xing header counts 1000: the count wins over the file size."""
    xing = bytes(32) + b"Xing" + struct.pack(">II", 1, 1000)  # MPEG-1 stereo: after 32 bytes of side info
    (tmp_path / "a.mp3").write_bytes(mp3_frames(1010, first_payload=xing))
    assert probe_audio(tmp_path / "a.mp3").duration_s == pytest.approx(1000 * 1152 / 44100)


def test_mp3_xing_declares_more_bytes_than_present(tmp_path: Path) -> None:
    xing = bytes(32) + b"Info" + struct.pack(">III", 3, 100, 100 * 417)
    (tmp_path / "a.mp3").write_bytes(mp3_frames(40, first_payload=xing))
    assert error_of(tmp_path / "a.mp3").message.startswith("truncated MP3")
    (tmp_path / "b.mp3").write_bytes(mp3_frames(100, first_payload=xing))
    assert probe_audio(tmp_path / "b.mp3").duration_s == pytest.approx(100 * 1152 / 44100)
    no_bytes = bytes(32) + b"Info" + struct.pack(">III", 3, 100, 0)  # a byte count of 0: mutagen's bitrate is 0
    (tmp_path / "c.mp3").write_bytes(mp3_frames(100, first_payload=no_bytes))
    assert probe_audio(tmp_path / "c.mp3").duration_s == pytest.approx(100 * 1152 / 44100)


def test_mp3_vbri(tmp_path: Path) -> None:
    # MPEG-2 Layer III, 32 kbit/s, 22.05 kHz, mono: 72 * 32000 / 22050 = 104 bytes
    vbri = bytes(32) + b"VBRI" + struct.pack(">HHHIIHHHH", 1, 0, 75, 104 * 500, 500, 0, 1, 2, 0)  # no TOC entries
    (tmp_path / "a.mp3").write_bytes(mp3_frames(500, b"\xff\xf3\x40\xc0", 104, vbri))
    info = probe_audio(tmp_path / "a.mp3")
    assert (info.sample_rate, info.channels) == (22050, 1)
    assert info.duration_s == pytest.approx(500 * 576 / 22050)


def test_mp3_without_frame_sync(tmp_path: Path) -> None:
    (tmp_path / "a.mp3").write_bytes(id3v2(b"TIT2" + bytes(20)) + bytes(range(0, 250)) * 8)
    assert error_of(tmp_path / "a.mp3").message == "undecodable MP3: no valid MPEG audio frame found"
    (tmp_path / "b.mp3").write_bytes(id3v2(b"TIT2" + bytes(20)))
    assert "only an ID3 tag" in error_of(tmp_path / "b.mp3").message


# ----------------------------------------------------------------------------- AAC, FLAC, M4A


def test_adts_aac(tmp_path: Path) -> None:
    (tmp_path / "a.aac").write_bytes(adts_frames(43, rate_index=4))
    info = probe_audio(tmp_path / "a.aac")
    assert (info.format, info.mime, info.sample_rate, info.channels) == ("aac", "audio/aac", 44100, 2)
    assert info.duration_s == pytest.approx(43 * 1024 / 44100)


def test_adts_with_a_reserved_sample_rate(tmp_path: Path) -> None:
    (tmp_path / "a.aac").write_bytes(adts_frames(43, rate_index=13))
    assert error_of(tmp_path / "a.aac").message == "broken AAC: its header gives 0 Hz or 0 channels"


def test_flac(tmp_path: Path) -> None:
    (tmp_path / "a.flac").write_bytes(flac_file(48000, 2, 48000 * 3 + 24000))
    info = probe_audio(tmp_path / "a.flac")
    assert (info.format, info.sample_rate, info.channels, info.duration_s) == ("flac", 48000, 2, 3.5)


@pytest.mark.parametrize("version, scale", [(0, None), (1, None), (0, 1000)])
def test_m4a(tmp_path: Path, version: int, scale: int | None) -> None:
    """The sound track's mdhd is authoritative (the movie header says 3 s here: a longer video track)."""
    (tmp_path / "a.m4a").write_bytes(
        m4a_file(rate=44100, seconds=2.5, version=version, mdhd_scale=scale, movie_seconds=3.0)
    )
    info = probe_audio(tmp_path / "a.m4a")
    assert (info.format, info.mime, info.codec) == ("m4a", "audio/mp4", "aac")
    assert (info.sample_rate, info.channels) == (44100, 2)
    assert info.duration_s == pytest.approx(2.5)


def test_m4a_errors(tmp_path: Path) -> None:
    (tmp_path / "video.mp4").write_bytes(m4a_file(handler=b"vide"))
    assert "no sound track" in error_of(tmp_path / "video.mp4").message
    whole = m4a_file(mdat=bytes(5000))
    (tmp_path / "cut.m4a").write_bytes(whole[:-2000])
    assert error_of(tmp_path / "cut.m4a").message.startswith("truncated M4A/MP4: the 'mdat' atom")
    (tmp_path / "nomoov.m4a").write_bytes(atom(b"ftyp", b"M4A ", bytes(4)) + atom(b"mdat", bytes(100)))
    assert "no 'moov' atom" in error_of(tmp_path / "nomoov.m4a").message
    (tmp_path / "zero.m4a").write_bytes(m4a_file(seconds=0))
    assert "empty audio" in error_of(tmp_path / "zero.m4a").message


# ----------------------------------------------------------------------------- OGG


def test_ogg_opus_pre_skip(tmp_path: Path) -> None:
    (tmp_path / "a.opus").write_bytes(ogg_file(opus_head(pre_skip=312), [48000, 96000 + 312]))
    info = probe_audio(tmp_path / "a.opus")
    assert (info.format, info.codec, info.mime) == ("ogg", "opus", "audio/ogg; codecs=opus")
    assert (info.sample_rate, info.channels, info.duration_s) == (48000, 1, 2.0)


def test_ogg_vorbis(tmp_path: Path) -> None:
    (tmp_path / "a.ogg").write_bytes(ogg_file(vorbis_head(2, 44100), [44100, 88200, 132300]))
    info = probe_audio(tmp_path / "a.ogg")
    assert (info.codec, info.sample_rate, info.channels, info.duration_s) == ("vorbis", 44100, 2, 3.0)


def test_ogg_last_page_with_bad_checksum(tmp_path: Path) -> None:
    data = bytearray(ogg_file(vorbis_head(1, 8000), [8000, 16000]))
    data[-1] ^= 0xFF  # damages the last page: its CRC no longer matches
    (tmp_path / "a.ogg").write_bytes(bytes(data))
    assert error_of(tmp_path / "a.ogg").message.startswith("truncated or damaged OGG")
    data[-1] ^= 0xFF
    (tmp_path / "b.ogg").write_bytes(bytes(data))
    assert probe_audio(tmp_path / "b.ogg").duration_s == 2.0


def test_ogg_errors(tmp_path: Path) -> None:
    data = ogg_file(opus_head(), [48000, 96000])
    (tmp_path / "cut.opus").write_bytes(data[:-100])
    assert error_of(tmp_path / "cut.opus").message.startswith("truncated or damaged OGG")
    (tmp_path / "speex.ogg").write_bytes(ogg_file(b"Speex   " + bytes(72), [16000]))
    assert "'Speex' stream" in error_of(tmp_path / "speex.ogg").message
    (tmp_path / "empty.opus").write_bytes(ogg_file(opus_head(pre_skip=312), [312]))
    assert "empty audio" in error_of(tmp_path / "empty.opus").message
    (tmp_path / "mute.opus").write_bytes(ogg_file(opus_head(channels=0), [48000]))
    assert error_of(tmp_path / "mute.opus").message == "broken OGG: its header gives 0 Hz or 0 channels"


# ----------------------------------------------------------------------------- WAV published as MP3


def _tone_wav(path: Path, seconds: float, rate: int, channels: int, width: int, fmt_tag: int = 1) -> Path:
    """A 440 Hz tone in any PCM width (1-4 bytes) or float32 (fmt_tag 3), hand-written so 24-bit
    and float files, which the wave module cannot write, are covered too."""
    frames = round(seconds * rate)
    levels = [math.sin(2 * math.pi * 440 * i / rate) * 0.5 for i in range(frames)]
    if fmt_tag == 3:
        body = struct.pack(f"<{frames * channels}f", *(v for v in levels for _ in range(channels)))
    elif width == 1:
        body = bytes(int(128 + v * 127) for v in levels for _ in range(channels))
    else:
        peak = 2 ** (8 * width - 1) - 1
        body = b"".join(int(v * peak).to_bytes(width, "little", signed=True) for v in levels for _ in range(channels))
    align = channels * width
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * align, align, width * 8)
    path.write_bytes(
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(body))
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(body))
        + body
    )
    return path


@pytest.mark.parametrize(
    ("channels", "width", "fmt_tag"), [(1, 2, 1), (2, 3, 1), (1, 1, 1), (2, 4, 1), (1, 4, 3), (6, 2, 1)]
)
def test_wav_becomes_an_mp3_of_the_same_length(tmp_path: Path, channels: int, width: int, fmt_tag: int) -> None:
    source = _tone_wav(tmp_path / "a.wav", 2.0, 22050, channels, width, fmt_tag)
    out = audio.wav_to_mp3(source, tmp_path / "out" / "a.mp3")
    info = probe_audio(out)
    assert info.format == "mp3" and info.channels == min(channels, 2)
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    assert out.stat().st_size < source.stat().st_size * 0.5 or width == 1
    assert [p.name for p in out.parent.iterdir()] == ["a.mp3"], "no temporary file is left"


def test_wav_encoding_is_reproducible(tmp_path: Path) -> None:
    source = _tone_wav(tmp_path / "a.wav", 1.0, 16000, 1, 2)
    first = audio.wav_to_mp3(source, tmp_path / "1.mp3").read_bytes()
    assert audio.wav_to_mp3(source, tmp_path / "2.mp3").read_bytes() == first


def test_a_real_speech_wav_is_a_tenth_as_mp3(tmp_path: Path, corpus: Path) -> None:
    speech = corpus / "audio" / "LJ001-0001.wav"
    if not speech.is_file():
        pytest.skip(f"{speech} is not in the corpus")
    out = audio.wav_to_mp3(speech, tmp_path / "speech.mp3")
    assert probe_audio(out).duration_s == pytest.approx(probe_audio(speech).duration_s, abs=0.1)
    assert out.stat().st_size < speech.stat().st_size / 4


def test_pick_language() -> None:
    assert pick_language(["vi", "en"], "vi") == "vi"
    assert pick_language(["vi-VN", "en"], "vi") == "vi-VN"
    assert pick_language(["vi", "en-GB"], "EN-us") == "en-GB"
    assert pick_language(["vi"], "fr") is None
    assert pick_language(["vi"], "fr", fallbacks=["vi"]) == "vi"
    assert pick_language(["en", "vi"], "fr", fallbacks=["vi", "en"]) == "vi"


# ----------------------------------------------------------------------------- transcripts

STAMPED = """\
# Trống đồng Ngọc Lũ

Bài thuyết minh của bảo tàng.
[0:05] Trống đồng Ngọc Lũ được tìm thấy năm 1893–1894.
Nó là một trong những trống đồng đẹp nhất.

Đoạn thứ hai của cùng câu chuyện.
[1:02:03] Ba tiếng sau.
  [12:30.5] Mười hai phút rưỡi.
[0:7] Sai định dạng.
"""


def test_parse_stamped_text() -> None:
    transcript = parse_transcript(STAMPED, "md")
    # untimed paragraphs before the first stamp stay apart; after a stamp they join its cue
    assert [(c.start, c.line) for c in transcript.cues] == [(None, 1), (None, 3), (5.0, 4), (3723.0, 8), (750.5, 9)]
    assert [c.text for c in transcript.cues[:2]] == ["# Trống đồng Ngọc Lũ", "Bài thuyết minh của bảo tàng."]
    assert transcript.cues[2].text == (
        "Trống đồng Ngọc Lũ được tìm thấy năm 1893–1894.\n"
        "Nó là một trong những trống đồng đẹp nhất.\n\n"
        "Đoạn thứ hai của cùng câu chuyện."
    )
    # the malformed stamp is reported and its line kept as text of the cue before
    assert [(p.line, p.code) for p in transcript.problems] == [(10, "audio-transcript-stamp")]
    assert "[0:7]" in transcript.problems[0].message
    assert transcript.cues[4].text == "Mười hai phút rưỡi.\n[0:7] Sai định dạng."


def test_untimed_transcript_has_no_captions() -> None:
    transcript = parse_transcript("First paragraph\ncontinues.\n\n[Note: not a stamp]\n\n- [1] footnote\n", "txt")
    assert [(c.start, c.line, c.text) for c in transcript.cues] == [
        (None, 1, "First paragraph\ncontinues."),
        (None, 4, "[Note: not a stamp]"),
        (None, 6, "- [1] footnote"),
    ]
    assert transcript.problems == [] and not transcript.timed
    assert to_webvtt(transcript, 10.0) is None
    assert check_transcript(transcript, 10.0) == []


@pytest.mark.parametrize(
    "stamp, seconds",
    [("0:05", 5), ("00:05", 5), ("1:02:03", 3723), ("12:30.5", 750.5), ("75:00", 4500), ("0:05,25", 5.25)],
)
def test_stamps(stamp: str, seconds: float) -> None:
    assert audio.parse_stamp(stamp) == pytest.approx(seconds)


@pytest.mark.parametrize("stamp", ["0:60", "1:60:00", "0:5", ":05", "1::05", "0:05:"])
def test_malformed_stamps(stamp: str) -> None:
    assert audio.parse_stamp(stamp) is None
    problems = parse_transcript(f"intro\n[{stamp}] text\n", "txt").problems
    assert [p.line for p in problems] == [2]


def test_check_order_and_end() -> None:
    text = "[0:01] one\n[0:04] two\n\n[0:03] three\n[0:04] four\n[0:09.5] five\n[0:12] six\n"
    problems = check_transcript(parse_transcript(text, "txt"), 9.66)
    # each stamp is compared with the one before it: line 5 is after line 4, so only line 4 is out
    assert [(p.line, p.code) for p in problems] == [(4, "audio-transcript-order"), (7, "audio-transcript-past-end")]
    assert "[0:03]" in problems[0].message and "line 2 ([0:04])" in problems[0].message
    assert "9.66 s (0:09.66)" in problems[1].message and "[0:12]" in problems[1].message
    assert [p.line for p in check_transcript(parse_transcript(text, "txt"), None)] == [4]  # no end check
    same = check_transcript(parse_transcript("[0:01] a\n[0:01] b\n", "txt"), 5.0)
    assert [(p.line, p.code) for p in same] == [(2, "audio-transcript-order")]


def test_empty_transcript() -> None:
    assert [p.code for p in check_transcript(parse_transcript("\n \n", "txt"), 5.0)] == ["audio-transcript-empty"]


def test_read_transcript_reports_bad_encoding(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_bytes("[0:01] đúng\n".encode() + "[0:02] đúng\n".encode("cp1258"))
    transcript = read_transcript(tmp_path / "t.txt")
    assert [(p.line, p.code) for p in transcript.problems] == [(2, "audio-transcript-encoding")]
    (tmp_path / "t.vtt").write_bytes("\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nxin chào\r\n".encode())
    transcript = read_transcript(tmp_path / "t.vtt")
    assert transcript.kind == "vtt" and transcript.problems == []
    assert transcript.cues == [Cue(1.0, 2.0, "xin chào", 3)]


VTT = """\
WEBVTT - narration

NOTE a comment
that spans --> two lines

STYLE
::cue { color: yellow }

1
00:00.000 --> 00:02.500 line:90% align:center
<v Hướng dẫn viên>Xin chào &amp; <i>chào mừng</i>

intro-2
00:02.500 --> 00:04.000
Second

00:04.000 --> 00:03.000
ends before it starts

00:05.000 --> 00:06.0000
bad stamp

00:01:07,500 --> 00:01:09.000
SRT-style comma accepted

just text without timing
"""


def test_parse_vtt() -> None:
    transcript = parse_transcript(VTT, "vtt")
    assert [(c.start, c.end, c.line) for c in transcript.cues] == [
        (0.0, 2.5, 10),
        (2.5, 4.0, 14),
        (4.0, 3.0, 17),
        (67.5, 69.0, 23),
    ]
    assert transcript.cues[0].text == "Hướng dẫn viên: Xin chào & chào mừng"
    assert [(p.line, p.code) for p in transcript.problems] == [
        (20, "audio-transcript-stamp"),
        (26, "audio-transcript-vtt"),
    ]
    assert "'00:06.0000'" in transcript.problems[0].message
    problems = check_transcript(transcript, 60.0)
    assert [(p.line, p.code) for p in problems] == [
        (20, "audio-transcript-stamp"),
        (26, "audio-transcript-vtt"),
        (17, "audio-transcript-order"),
        (23, "audio-transcript-past-end"),
    ]
    assert "before it starts" in problems[2].message


def test_vtt_without_header() -> None:
    transcript = parse_transcript("00:01.000 --> 00:02.000\nhi\n", "vtt")
    assert [p.line for p in transcript.problems] == [1] and transcript.cues[0].text == "hi"


# ----------------------------------------------------------------------------- WebVTT output

_TIMING = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$")


def strict_webvtt(text: str, duration: float | None = None) -> list[tuple[str, float, float, str]]:
    """Check text against the WebVTT syntax (W3C WebVTT, 'WebVTT file' writing rules) as we
    emit it; return (id, start, end, payload) for each cue.  Fails on any deviation."""
    assert "\r" not in text and "\x00" not in text and text.endswith("\n")
    lines = text.split("\n")
    assert lines[0] == "WEBVTT" and lines[1] == "", "the header must be WEBVTT then a blank line"
    blocks, block = [], []
    for line in lines[2:]:
        if line:
            block.append(line)
        else:
            if block:
                blocks.append(block)
            block = []
    assert not block
    assert "\n\n\n" not in text, "no stray blank lines"
    cues, ids, last_start = [], set(), -1.0
    for block in blocks:
        assert "-->" not in block[0] and len(block) >= 2, f"every cue has an identifier: {block}"
        ident, timing, payload = block[0], block[1], block[2:]
        assert ident not in ids and ident.strip() == ident
        ids.add(ident)
        match = _TIMING.match(timing)
        assert match, f"timing line not HH:MM:SS.mmm --> HH:MM:SS.mmm: {timing!r}"
        g = [int(x) for x in match.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        assert start < end, timing
        assert start >= last_start, "cue start times must not go backwards"
        if duration is not None:
            assert end <= duration + 0.0005
        last_start = start
        for line in payload:
            assert "-->" not in line
            assert "<" not in line, "text must not contain tags or a raw <"
            assert not re.search(r"&(?!(amp|lt|gt|nbsp|lrm|rlm);)", line), f"raw & in {line!r}"
        cues.append((ident, start, end, "\n".join(payload)))
    return cues


def test_strict_checker_rejects_bad_vtt() -> None:
    good = "WEBVTT\n\ncue-0\n00:00:01.000 --> 00:00:02.000\nhi\n"
    strict_webvtt(good)
    for bad in (
        good.replace("WEBVTT", "WEBVT"),
        good.replace("00:00:01.000", "00:01.000"),
        good.replace("hi", "a < b"),
        good.replace("hi", "a & b"),
        good.replace("02.000", "00.500"),
        good.replace("\n\ncue", "\ncue"),
        good[:-1],
    ):
        with pytest.raises(AssertionError):
            strict_webvtt(bad)


def test_webvtt_from_corpus_transcripts(corpus_audio: Path) -> None:
    """LJ001-0001's transcript split at its phrases with stamps; the last cue ends with the audio."""
    duration = probe_audio(corpus_audio / "LJ001-0001.wav").duration_s
    phrases = re.split(r"(?<=,) ", LJ001_0001)  # 3 phrases at the commas … then the rest
    assert len(phrases) == 3
    stamps = ["0:00", "0:01.2", "0:04.5"]
    text = "Narration (LJ Speech, public domain)\n\n" + "".join(
        f"[{stamp}] {phrase}\n" for stamp, phrase in zip(stamps, phrases, strict=True)
    )
    transcript = parse_transcript(text, "txt")
    assert check_transcript(transcript, duration) == []
    vtt = to_webvtt(transcript, duration)
    cues = strict_webvtt(vtt, duration)
    assert [(c[0], c[1], c[2]) for c in cues] == [
        ("cue-1", 0.0, 1.2),
        ("cue-2", 1.2, 4.5),
        ("cue-3", 4.5, round(duration, 3)),
    ]
    assert "00:00:04.500 --> 00:00:09.655" in vtt
    assert " ".join(c[3] for c in cues) == LJ001_0001
    assert to_webvtt(transcript, duration) == vtt  # deterministic


def test_webvtt_escaping_and_round_trip(corpus_audio: Path) -> None:
    duration = probe_audio(corpus_audio / "LJ001-0007.mp3").duration_s
    text = (
        f"[0:00.5] {LJ001_0007}\n[0:06] <Gutenberg> & Schöffer --> Mainz\n\n"
        f"a second paragraph\n[0:08] tail\n[0:09] past the end\n"
    )
    transcript = parse_transcript(text, "txt")
    assert [p.line for p in check_transcript(transcript, duration)] == [6]
    vtt = to_webvtt(transcript, duration)
    cues = strict_webvtt(vtt, duration)
    assert [c[0] for c in cues] == ["cue-0", "cue-1", "cue-2"]  # the stamp past the end has no cue
    assert cues[0][3] == LJ001_0007.replace('"', '"')
    assert cues[1][3] == "&lt;Gutenberg&gt; &amp; Schöffer --&gt; Mainz\na second paragraph"
    assert cues[2][2] == round(duration, 3)
    back = parse_transcript(vtt, "vtt")
    assert back.problems == []
    assert [(c.start, c.end) for c in back.cues] == [(c[1], c[2]) for c in cues]
    assert back.cues[1].text == "<Gutenberg> & Schöffer --> Mainz\na second paragraph"


def test_webvtt_out_of_order_stays_valid() -> None:
    transcript = parse_transcript("[0:05] b\n[0:02] a\n[0:07] c\n", "txt")
    cues = strict_webvtt(to_webvtt(transcript, 10.0), 10.0)
    assert [(c[0], c[1], c[2]) for c in cues] == [("cue-0", 5.0, 7.0), ("cue-2", 7.0, 10.0)]


def test_webvtt_hours_and_unknown_duration() -> None:
    transcript = Transcript([Cue(3723.25, None, "one", 1), Cue(3725.0, None, "two", 2)])
    vtt = to_webvtt(transcript, None)
    assert "01:02:03.250 --> 01:02:05.000" in vtt and "01:02:05.000 --> 01:02:15.000" in vtt
    strict_webvtt(vtt)


def test_transcript_data() -> None:
    transcript = parse_transcript("Intro\n[0:01] a\n[0:03] b\n", "txt")
    assert audio.transcript_data(transcript, 4.0) == [
        {"id": "cue-0", "start": None, "end": None, "text": "Intro", "line": 1},
        {"id": "cue-1", "start": 1.0, "end": 3.0, "text": "a", "line": 2},
        {"id": "cue-2", "start": 3.0, "end": 4.0, "text": "b", "line": 3},
    ]


@pytest.mark.browser
def test_chromium_parses_our_webvtt(browser, corpus_audio: Path) -> None:
    """Chromium's own WebVTT parser loads every cue with our times and text."""
    import base64
    import json

    duration = probe_audio(corpus_audio / "LJ001-0007.mp3").duration_s
    transcript = parse_transcript(f"[0:00.5] {LJ001_0007}\n[0:06] <b> & c\n", "txt")
    vtt = to_webvtt(transcript, duration)
    url = "data:text/vtt;base64," + base64.b64encode(vtt.encode()).decode()
    page = browser.new_page()
    try:
        page.set_content(f'<audio><track kind="captions" default src="{url}"></audio>')
        cues = page.evaluate("""() => new Promise((ok, fail) => {
            const el = document.querySelector('track');
            el.track.mode = 'hidden';
            const done = () => ok(Array.from(el.track.cues,
                c => [c.id, c.startTime, c.endTime, c.text, c.getCueAsHTML().textContent]));
            if (el.readyState === 2) done();
            el.addEventListener('load', done);
            el.addEventListener('error', () => fail('track error'));
        })""")
    finally:
        page.close()
    expected = [[ident, start, end, payload] for ident, start, end, payload in strict_webvtt(vtt)]
    assert [[c[0], round(c[1], 3), round(c[2], 3), c[3]] for c in cues] == expected, json.dumps(cues)
    assert [c[4] for c in cues] == [LJ001_0007, "<b> & c"]  # what is displayed: escapes decoded
