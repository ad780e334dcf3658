"""Type stubs of the native module ``reelkit._reelkit`` (re-exported by ``reelkit``)."""

import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Literal, final, overload

import numpy as np
import numpy.typing as npt

from reelkit._types import (
    AlignJobReport,
    AlignJobSpec,
    AudioInfoDict,
    BrandKit,
    BurnJobReport,
    BurnJobSpec,
    BurnReport,
    ClipsJob,
    ClipsJobReport,
    ClipsJobSpec,
    ClipsReport,
    DubJob,
    DubJobReport,
    DubJobSpec,
    DubReport,
    FetchOptions,
    IngestJobReport,
    IngestJobSpec,
    IngestReport,
    JobReport,
    JobSpec,
    Loudness,
    MediaInfoDict,
    ModelStatus,
    PolicyOptions,
    ProbeJobReport,
    ProbeJobSpec,
    ReframeJobReport,
    ReframeJobSpec,
    RetellJob,
    RetellJobReport,
    RetellJobSpec,
    RetellReport,
    SceneList,
    ScenesJobReport,
    ScenesJobSpec,
    SegmentDict,
    SpokenSentence,
    StreamInfoDict,
    SubtitleCue,
    SynthesisSummary,
    TranscodeJobReport,
    TranscodeJobSpec,
    TranscodeOptions,
    TranscodeReport,
    TranscribeJobReport,
    TranscribeJobSpec,
    TranscriptDict,
    TtsConfig,
    TtsJobReport,
    TtsJobSpec,
    VideoInfoDict,
    Voice,
    WordDict,
)

_Path = str | os.PathLike[str]
_Progress = Callable[[ProgressEvent], object]

__version__: str

# --- errors ----------------------------------------------------------------
# One class per core error kind; `ERROR_CLASSES` maps each code to its class.

class ReelkitError(Exception):
    """Base class of every reelkit error."""

    code: str
    """Stable machine-readable code (``not_found``, ``invalid_config``, ``model_not_found``...)."""
    field: str | None
    """The config field or argument at fault, as a dotted path (``params.top``)."""
    line: int | None
    """1-based line of a parse error."""
    accepted: tuple[str, ...]
    """The keys or values accepted where one was refused."""
    stage: str | None
    """The pipeline stage the error happened in, when known."""

class InvalidParameterError(ReelkitError, ValueError):
    """An argument is out of range or inconsistent (also a ValueError); ``field`` names it."""

class InvalidConfigError(InvalidParameterError):
    """A config or job spec has an unknown key or a value of the wrong type."""

class MediaNotFoundError(ReelkitError, FileNotFoundError):
    """The input file does not exist."""

class NotMediaError(ReelkitError):
    """The file is not media FFmpeg can open."""

class MissingStreamError(ReelkitError):
    """The media has no stream of the kind the call needs."""

class CorruptMediaError(ReelkitError):
    """The media is damaged: truncated, corrupt packets, zero duration."""

class SubtitleParseError(ReelkitError):
    """A subtitle file is malformed; ``line`` is where it goes wrong."""

class PolicyViolationError(ReelkitError):
    """Media broke a rule of the validation policy."""

    rule: str | None
    """The policy field broken (``max_bytes``, ``allowed_containers``, ``min_width``...)."""

class LimitExceededError(ReelkitError):
    """The input is larger than a configured or built-in limit allows."""

class DownloadError(ReelkitError):
    """A URL could not be fetched (HTTP error status, refused connection...)."""

class TimedOutError(ReelkitError, TimeoutError):
    """A download or an external tool did not finish in time."""

class ModelError(ReelkitError):
    """A model is missing, unknown or could not be provisioned."""

class ModelNotFoundError(ModelError):
    """A model is known but not provisioned (run ``reelkit models fetch``)."""

class UnknownModelError(ModelError):
    """No model has that name and it is not a path either."""

class InvalidModelFileError(ModelError):
    """A model file is malformed (truncated, bad magic...)."""

class UnsupportedModelError(ModelError):
    """A well-formed model reelkit cannot use."""

class ChecksumMismatchError(ModelError):
    """A downloaded model does not have the expected checksum."""

class PackageNotFoundError(ModelError):
    """The package index has no file the model manifest expects."""

class InvalidManifestError(ModelError):
    """The model manifest is malformed."""

class NetworkError(ModelError):
    """A network request for a model failed before any HTTP status."""

class HttpError(ModelError):
    """A model server answered with an error status."""

class DeviceUnavailableError(ReelkitError):
    """The requested compute device is not available."""

class DecodeError(ReelkitError):
    """A decoder failed."""

class EncodeError(ReelkitError):
    """An encoder or muxer failed."""

class AsrError(ReelkitError):
    """The speech recogniser failed."""

class TtsError(ReelkitError):
    """Speech synthesis failed (voice model, ONNX Runtime or espeak-ng)."""

class FontError(ReelkitError):
    """A caption font could not be loaded."""

class ExternalToolError(ReelkitError):
    """An external program reelkit drives (yt-dlp) is missing or failed."""

class FileIOError(ReelkitError, OSError):
    """A file could not be read or written."""

class CancelledError(ReelkitError):
    """The work was cancelled through a CancelToken."""

class InternalError(ReelkitError):
    """A bug in reelkit, never the caller's fault."""

ERROR_CLASSES: dict[str, type[ReelkitError]]
"""The exception class of each error code."""

# --- progress and cancellation -----------------------------------------------

@final
class CancelToken:
    """A flag that asks running work to stop at its next checkpoint."""

    def __init__(self) -> None: ...
    def cancel(self) -> None:
        """Ask every call holding this token to stop."""
    @property
    def cancelled(self) -> bool: ...

@final
class ProgressEvent:
    """One progress report: ``done`` of ``total`` ``unit``s in ``stage``."""

    @property
    def stage(self) -> str:
        """``probe``, ``decode_audio``, ``load_model``, ``transcribe``,
        ``scenes``, ``signals``, ``rank``, ``render``, ``export``,
        ``synthesize``, ``mix``, ``download``, ``fingerprint``, ``transcode``
        or ``fetch_models``."""
    @property
    def done(self) -> float: ...
    @property
    def total(self) -> float | None: ...
    @property
    def fraction(self) -> float | None:
        """``done / total`` clamped to 0..1, when the total is known."""
    @property
    def unit(self) -> str: ...
    @property
    def message(self) -> str | None: ...
    @property
    def rate(self) -> float | None:
        """``unit``s per second of wall-clock time (fps while transcoding)."""
    @property
    def eta(self) -> float | None:
        """Estimated seconds left in this stage."""
    def to_dict(self) -> dict[str, Any]: ...

# --- media -------------------------------------------------------------------

@final
class StreamInfo:
    @property
    def index(self) -> int: ...
    @property
    def kind(self) -> str:
        """``video``, ``audio``, ``subtitle``, ``data``, ``attachment`` or ``unknown``."""
    @property
    def codec(self) -> str: ...
    @property
    def duration(self) -> float | None: ...
    @property
    def language(self) -> str | None: ...
    def to_dict(self) -> StreamInfoDict: ...

@final
class VideoInfo:
    @property
    def stream_index(self) -> int: ...
    @property
    def codec(self) -> str: ...
    @property
    def width(self) -> int:
        """Coded width, before rotation."""
    @property
    def height(self) -> int: ...
    @property
    def display_width(self) -> int:
        """Width as displayed, after rotation."""
    @property
    def display_height(self) -> int: ...
    @property
    def fps(self) -> float:
        """Average frame rate (0 when unknown)."""
    @property
    def rotation(self) -> int:
        """Clockwise display rotation: 0, 90, 180 or 270."""
    @property
    def pixel_format(self) -> str: ...
    @property
    def frames(self) -> int | None: ...
    def to_dict(self) -> VideoInfoDict: ...

@final
class AudioInfo:
    @property
    def stream_index(self) -> int: ...
    @property
    def codec(self) -> str: ...
    @property
    def sample_rate(self) -> int: ...
    @property
    def channels(self) -> int: ...
    @property
    def sample_format(self) -> str: ...
    def to_dict(self) -> AudioInfoDict: ...

@final
class MediaInfo:
    """What :func:`probe` learns about a file."""

    @property
    def path(self) -> str: ...
    @property
    def container(self) -> str:
        """Container short name(s), e.g. ``mov,mp4,m4a,3gp,3g2,mj2``."""
    @property
    def container_long(self) -> str: ...
    @property
    def duration(self) -> float:
        """Seconds (0 when unknown)."""
    @property
    def bit_rate(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def streams(self) -> list[StreamInfo]: ...
    @property
    def video(self) -> VideoInfo | None: ...
    @property
    def audio(self) -> AudioInfo | None: ...
    @property
    def has_video(self) -> bool: ...
    @property
    def has_audio(self) -> bool: ...
    def to_dict(self) -> MediaInfoDict: ...

def probe(path: _Path) -> MediaInfo:
    """Read container, streams, codecs, duration, frame rate, size, rotation and audio format."""

def decode_audio(
    path: _Path,
    sample_rate: int = 16000,
    channels: int = 1,
    start: float = 0.0,
    end: float | None = None,
) -> npt.NDArray[np.float32]:
    """Decode audio to float32 in -1..1: shape ``(n,)`` mono or ``(n, channels)``."""

@final
class VideoReader:
    """Iterate ``(time, frame)``: ``frame`` is uint8 ``(height, width, 3)`` RGB."""

    def __init__(
        self,
        path: _Path,
        size: tuple[int, int] | None = None,
        start: float = 0.0,
        end: float | None = None,
    ) -> None: ...
    @property
    def fps(self) -> float: ...
    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of the frames yielded."""
    @property
    def duration(self) -> float | None: ...
    @property
    def rotation(self) -> int: ...
    def __iter__(self) -> Iterator[tuple[float, npt.NDArray[np.uint8]]]: ...
    def __next__(self) -> tuple[float, npt.NDArray[np.uint8]]: ...
    def close(self) -> None:
        """Release the file and decoder; iteration then stops."""
    def __enter__(self) -> VideoReader: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        /,
    ) -> bool: ...

def cut(
    input: _Path,
    output: _Path,
    start: float,
    end: float,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> str:
    """Cut ``[start, end)`` into ``output`` (H.264 + AAC MP4), frame-accurately."""

# --- speech recognition ------------------------------------------------------

@final
class Word:
    @property
    def word(self) -> str:
        """The word with attached punctuation."""
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def probability(self) -> float: ...
    @property
    def estimated(self) -> bool:
        """True when the times were estimated (re-timed after an edit)."""
    def to_dict(self) -> WordDict: ...

@final
class Segment:
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> list[Word]: ...
    def to_dict(self) -> SegmentDict: ...

@final
class Transcript:
    @property
    def language(self) -> str: ...
    @property
    def duration(self) -> float: ...
    @property
    def segments(self) -> list[Segment]: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> list[Word]: ...
    def to_dict(self) -> TranscriptDict: ...
    def to_srt(self) -> str: ...
    def to_vtt(self) -> str: ...

# --- scenes ------------------------------------------------------------------

def detect_scenes(
    path: _Path,
    threshold: float = 27.0,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> SceneList:
    """Detect scene changes in the primary video stream."""

# --- pipeline and models -----------------------------------------------------

@final
class Engine:
    """Loads models, voices and fonts once and runs jobs with them.

    ``Engine()`` is the engine the module-level functions use; ``Engine(models_dir)``
    (or ``fonts_dir=``, ``voices_dir=``) makes another one; ``allow_playlists=True``
    lets its jobs take an HLS playlist of local segments as input.
    """

    def __init__(
        self,
        models_dir: _Path | None = None,
        *,
        fonts_dir: _Path | None = None,
        voices_dir: _Path | None = None,
        allow_playlists: bool = False,
    ) -> None: ...
    @property
    def models_dir(self) -> str: ...
    # <generated: run overloads>
    @overload
    def run(self, spec: ProbeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ProbeJobReport: ...
    @overload
    def run(self, spec: IngestJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> IngestJobReport: ...
    @overload
    def run(self, spec: TranscodeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> TranscodeJobReport: ...
    @overload
    def run(self, spec: TranscribeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> TranscribeJobReport: ...
    @overload
    def run(self, spec: AlignJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> AlignJobReport: ...
    @overload
    def run(self, spec: ScenesJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ScenesJobReport: ...
    @overload
    def run(self, spec: ClipsJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ClipsJobReport: ...
    @overload
    def run(self, spec: ReframeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ReframeJobReport: ...
    @overload
    def run(self, spec: BurnJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> BurnJobReport: ...
    @overload
    def run(self, spec: TtsJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> TtsJobReport: ...
    @overload
    def run(self, spec: DubJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> DubJobReport: ...
    @overload
    def run(self, spec: RetellJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> RetellJobReport: ...
    @overload
    def run(self, spec: JobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> JobReport: ...
    # </generated>
    def transcribe(
        self,
        path: _Path,
        model: str = "tiny.en",
        language: str | None = None,
        threads: int = 0,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
        *,
        device: str = "cpu",
        initial_prompt: str | None = None,
        beam_size: int | None = None,
        workers: int = 1,
        vad: bool = True,
        word_timing: Literal["hybrid", "dtw", "tokens"] = "hybrid",
    ) -> Transcript: ...
    def realign(
        self,
        path: _Path,
        transcript: Transcript | TranscriptDict,
        edited_text: str,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> Transcript: ...
    def clips(
        self,
        input: _Path,
        out_dir: _Path,
        top: int | None = None,
        *,
        model: str | None = None,
        aspect: str | None = None,
        min_duration: float | None = None,
        max_duration: float | None = None,
        options: ClipsJob | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> ClipsReport: ...
    def models_list(self) -> list[ModelStatus]: ...
    def models_fetch(
        self,
        ids: list[str] | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> list[ModelStatus]: ...
    def synthesize(
        self,
        text: str,
        voice: str = "joe",
        *,
        speaker: str | None = None,
        rate: float = 1.0,
        seed: int = 0,
        options: TtsConfig | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> Speech: ...
    def synthesize_batch(
        self,
        texts: list[str],
        voice: str = "joe",
        *,
        speaker: str | None = None,
        rate: float = 1.0,
        seed: int = 0,
        options: TtsConfig | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> list[Speech]: ...
    def tts(
        self,
        text: str,
        out: _Path,
        voice: str = "joe",
        *,
        speaker: str | None = None,
        rate: float = 1.0,
        seed: int = 0,
        options: TtsConfig | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> SynthesisSummary: ...
    def voices(self) -> list[Voice]: ...
    def dub(
        self,
        input: _Path,
        narration: _Path,
        out: _Path,
        voice: str = "joe",
        *,
        lufs: float | None = None,
        true_peak: float | None = None,
        options: DubJob | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> DubReport: ...
    def retell(
        self,
        input: _Path,
        out: _Path,
        minutes: float = 5.0,
        *,
        options: RetellJob | None = None,
        progress: _Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> RetellReport: ...

# The module-level functions an Engine also has are the methods of the
# process-wide engine, ``Engine()``.

# Run any job: ``{"kind", "input", "output", "params"}`` exactly as
# ``reelkit run`` reads it; returns its report, ``{"kind": ..., ...}``.
# Unknown keys raise InvalidConfigError naming their dotted path.
# <generated: run overloads>
@overload
def run(spec: ProbeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ProbeJobReport: ...
@overload
def run(spec: IngestJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> IngestJobReport: ...
@overload
def run(spec: TranscodeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> TranscodeJobReport: ...
@overload
def run(spec: TranscribeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> TranscribeJobReport: ...
@overload
def run(spec: AlignJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> AlignJobReport: ...
@overload
def run(spec: ScenesJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ScenesJobReport: ...
@overload
def run(spec: ClipsJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ClipsJobReport: ...
@overload
def run(spec: ReframeJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> ReframeJobReport: ...
@overload
def run(spec: BurnJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> BurnJobReport: ...
@overload
def run(spec: TtsJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> TtsJobReport: ...
@overload
def run(spec: DubJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> DubJobReport: ...
@overload
def run(spec: RetellJobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> RetellJobReport: ...
@overload
def run(spec: JobSpec, progress: _Progress | None = None, cancel: CancelToken | None = None) -> JobReport: ...
# </generated>

def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of job specs and reports, as ``reelkit schema`` prints it."""

def transcribe(
    path: _Path,
    model: str = "tiny.en",
    language: str | None = None,
    threads: int = 0,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
    *,
    device: str = "cpu",
    initial_prompt: str | None = None,
    beam_size: int | None = None,
    workers: int = 1,
    vad: bool = True,
    word_timing: Literal["hybrid", "dtw", "tokens"] = "hybrid",
) -> Transcript:
    """Transcribe any media file FFmpeg can open, with word timestamps.

    ``vad`` sends only detected speech to the recogniser (in chunks of at
    most 28 s, ``workers`` of them at once); ``word_timing`` chooses where
    word times come from.
    """

def realign(
    path: _Path,
    transcript: Transcript | TranscriptDict,
    edited_text: str,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> Transcript:
    """Re-time a corrected transcript against the audio of ``path``.

    Words the edit kept keep their times; edited runs are re-timed and their
    words flagged ``estimated``.
    """

def read_subtitles(path: _Path) -> list[SubtitleCue]:
    """Read an SRT or WebVTT file; malformed files raise SubtitleParseError."""

def clips(
    input: _Path,
    out_dir: _Path,
    top: int | None = None,
    *,
    model: str | None = None,
    aspect: str | None = None,
    min_duration: float | None = None,
    max_duration: float | None = None,
    options: ClipsJob | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> ClipsReport:
    """Find the best clips and export them with captions into ``out_dir``.

    ``options`` is a partial ClipsJob dict (every field has a default);
    explicit arguments override it. Unset arguments take the ClipsJob
    defaults: top 3, model ``tiny.en``, aspect ``source``, 15-60 s.
    """

def models_list() -> list[ModelStatus]:
    """Every known model with its install state."""

def models_fetch(
    ids: list[str] | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> list[ModelStatus]:
    """Download, verify and install models (default: every default model)."""

def render_subtitles(
    script: _Path,
    time: float,
    width: int,
    height: int,
    fonts_dir: _Path | None = None,
    premultiplied: bool = False,
) -> npt.NDArray[np.uint8]:
    """The ASS subtitle layer at ``time`` as a ``(height, width, 4)`` RGBA array (straight alpha unless ``premultiplied``).

    ``script`` is a path, or ASS text when it contains a line break.
    """

def burn_subtitles(
    input: _Path,
    script: _Path,
    output: _Path,
    crf: int = 20,
    preset: str = "veryfast",
    fonts_dir: _Path | None = None,
    brand: _Path | BrandKit | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> BurnReport:
    """Burn a script (an ASS, SRT or WebVTT path, or ASS text) into ``input`` as H.264 MP4 (audio copied); returns the report."""

def subtitle_presets() -> list[dict[str, Any]]:
    """The caption presets (bold, clean, karaoke, pop) with their values."""

def load_brand_kit(kit: _Path | BrandKit) -> BrandKit:
    """Load and validate a brand kit (JSON file or dict); returns it with defaults filled in."""

# --- text to speech and dubbing ----------------------------------------------

@final
class Speech:
    """Synthesised speech: ``audio`` is float32 mono in -1..1 at ``sample_rate``."""

    @property
    def audio(self) -> npt.NDArray[np.float32]: ...
    @property
    def sample_rate(self) -> int: ...
    @property
    def duration(self) -> float:
        """Seconds of audio."""
    @property
    def voice(self) -> str: ...
    @property
    def sentences(self) -> list[SpokenSentence]:
        """``text``, ``phonemes``, ``start`` and ``end`` (seconds) of each sentence."""
    @property
    def missing_phonemes(self) -> dict[str, int]:
        """Phonemes the voice has no id for (skipped), with counts."""
    def __len__(self) -> int: ...

def synthesize(
    text: str,
    voice: str = "joe",
    *,
    speaker: str | None = None,
    rate: float = 1.0,
    seed: int = 0,
    options: TtsConfig | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> Speech:
    """Speak ``text`` (SSML-lite ``<break time="300ms"/>`` tags make pauses).

    ``voice``: ``joe``, a Piper ``.onnx`` path or voice directory, or
    ``espeak:<language>``. ``options``: other ``TtsConfig`` fields
    (``noise_scale``, ``length_scale``, ``noise_w``, ``sentence_pause``,
    ``markup``, ``normalize_text``, ``peak``, ``threads``). Equal seeds give
    identical audio.
    """

def synthesize_batch(
    texts: list[str],
    voice: str = "joe",
    *,
    speaker: str | None = None,
    rate: float = 1.0,
    seed: int = 0,
    options: TtsConfig | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> list[Speech]:
    """Speak many texts in parallel across cores, one :class:`Speech` each, in order."""

def tts(
    text: str,
    out: _Path,
    voice: str = "joe",
    *,
    speaker: str | None = None,
    rate: float = 1.0,
    seed: int = 0,
    options: TtsConfig | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> SynthesisSummary:
    """Speak ``text`` into a 16-bit WAV file as it is made (bounded memory)."""

def voices() -> list[Voice]:
    """Piper voices of the model store and espeak-ng's voices (``espeak:<language>``)."""

def dub(
    input: _Path,
    narration: _Path,
    out: _Path,
    voice: str = "joe",
    *,
    lufs: float | None = None,
    true_peak: float | None = None,
    options: DubJob | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> DubReport:
    """Speak each SRT cue in its slot over ``input``'s ducked audio; write the clip and stems.

    Writes ``out`` (video copied, AAC mix at ``lufs`` / ``true_peak``,
    default -14 LUFS and -1 dBTP),
    ``OUT.narration.wav`` and ``OUT.bed.wav``. ``options``: other ``DubJob``
    fields (``duck``, ``fit``, ``tts``, ``bed_gain_db``...).
    """

def retell(
    input: _Path,
    out: _Path,
    minutes: float = 5.0,
    *,
    options: RetellJob | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> RetellReport:
    """A ``minutes``-long recap of ``input`` in the folder ``out``: chapters, narration, shots.

    Writes ``retell.mp4``, ``retell.srt``, ``retell.json`` (edit it and pass
    it back as ``options={"script": ...}`` to render again without analysis)
    and ``retell.otio``. ``options``: other ``RetellJob`` fields (``bed``,
    ``voice``, ``preset``, ``llm``...).
    """

def measure_loudness(
    path: _Path,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> Loudness:
    """EBU R128 integrated loudness, loudness range and true peak of a file's audio."""
# --- ingest and transcode ----------------------------------------------------

def ingest(
    source: _Path,
    dest: _Path | None = None,
    *,
    policy: PolicyOptions | None = None,
    fetch: FetchOptions | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> IngestReport:
    """Fetch (http(s) URLs: directly, or through yt-dlp for pages and playlists),
    fingerprint, probe and validate ``source``; with ``dest``, store it there as
    ``<sha256>.<ext>`` and recognise duplicates."""

def fingerprint(
    path: _Path,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> str:
    """The lowercase hex SHA-256 of a file's bytes."""

def sniff_container(path: _Path) -> str | None:
    """The container as the file's bytes say (``mp4``, ``mkv``, ``mpegts``...)."""

def transcode(
    input: _Path,
    *,
    hls: _Path | None = None,
    ladder: list[int] | None = None,
    preset: str | None = None,
    crf: int | None = None,
    segment_seconds: float | None = None,
    segment_format: str | None = None,
    proxy: _Path | None = None,
    thumbnails: _Path | None = None,
    sprite: _Path | None = None,
    waveform: _Path | None = None,
    options: TranscodeOptions | None = None,
    progress: _Progress | None = None,
    cancel: CancelToken | None = None,
) -> TranscodeReport:
    """An HLS ladder, a proxy MP4, thumbnails, sprite sheets and waveform peaks
    from one decode of ``input``.

    ``options`` is a partial TranscodeJob dict; explicit arguments override it.
    HLS defaults: ladder 1080/720/480, preset ``veryfast``, CRF 23, 4 s
    ``fmp4`` segments.
    """
