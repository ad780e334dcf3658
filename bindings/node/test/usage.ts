// Type-checked (never run) by types.test.mjs: how the API reads from
// TypeScript, against the generated index.d.ts.
import {
  CancelToken,
  clips,
  retell,
  cut,
  decodeAudio,
  detectScenes,
  dub,
  measureLoudness,
  fingerprint,
  ingest,
  modelsFetch,
  modelsList,
  probe,
  probeSync,
  synthesize,
  synthesizeBatch,
  sniffContainer,
  transcode,
  transcribe,
  renderSubtitles,
  burnSubtitles,
  subtitlePresets,
  loadBrandKit,
  type BurnReport,
  type SubtitleFrame,
  tts,
  voices,
  type ClipsReport,
  type RetellReport,
  type DubReport,
  type IngestReport,
  type TranscodeReport,
  type MediaInfo,
  type ProgressEvent,
  type Speech,
  type Transcript,
  run,
  type JobReport,
  type JobSpec,
  type ClipsJob,
  type ReelkitError,
  type job,
} from '../index.js'

export async function usage(): Promise<void> {
  const info: MediaInfo = await probe('in.mp4')
  const width: number | undefined = info.video?.displayWidth
  const rate: number | undefined = probeSync('in.mp4').audio?.sampleRate
  const samples: Float32Array = await decodeAudio('in.mp4', { sampleRate: 16000, channels: 1, start: 1, end: 2 })

  const token = new CancelToken()
  const onProgress = (e: ProgressEvent): void => {
    const share: number | undefined = e.fraction
    console.log(e.stage, e.done, e.total, share, e.unit, e.message)
  }
  const transcript: Transcript = await transcribe('in.mp4', { model: 'tiny.en', language: 'en', threads: 2, onProgress, signal: token })
  const firstWord: string | undefined = transcript.segments[0]?.words[0]?.word
  token.cancel()
  const cancelled: boolean = token.cancelled

  const controller = new AbortController()
  const report: ClipsReport = await clips('in.mp4', 'out', {
    top: 1,
    aspect: '9:16',
    minDuration: 10,
    maxDuration: 30,
    options: { clips: { weights: { scene_changes: 0 } }, burn_captions: false },
    onProgress,
    signal: controller.signal,
  })
  const video: string | undefined = report.clips[0]?.video
  const ass: string | undefined = report.clips[0]?.ass
  const styled: ClipsReport = await clips('in.mp4', 'out', { style: 'karaoke', brand: 'kit.json' })
  const layer: SubtitleFrame = await renderSubtitles('subs.ass', 1.5, 1920, 1080, { fontsDir: 'fonts', premultiplied: false })
  const rgba: Buffer = layer.data
  const burned: BurnReport = await burnSubtitles('in.mp4', 'subs.ass', 'out.mp4', { crf: 20, preset: 'veryfast', brand: { watermark: { image: 'logo.svg' } }, onProgress, signal: token })
  const presetNames: string[] = subtitlePresets().map((p) => p.name)
  const kit: Record<string, unknown> = loadBrandKit('kit.json')
  const recap: RetellReport = await retell('film.mp4', 'recap', {
    minutes: 2,
    bed: 'mute',
    preset: 'clean',
    options: { min_chapter: 30, llm: { url: 'http://127.0.0.1:8080/v1', model: 'm' } },
    onProgress,
    signal: token,
  })
  const told: string[] = recap.narration.map((l) => l.text)
  const chapterStarts: number[] = recap.chapters.map((c) => c.start)
  console.log(recap.video, recap.sourceDuration, recap.analysisCached, recap.loudnessLufs, told, chapterStarts)
  console.log(ass, styled, rgba, burned.overlayRenders, presetNames, kit)
  const output: string = await cut('in.mp4', 'out.mp4', 1, 2, { signal: controller.signal })
  const cuts: number[] = (await detectScenes('in.mp4', { threshold: 30 })).cuts
  const installed: boolean[] = (await modelsList()).map((m) => m.installed)
  await modelsFetch(['tiny.en'], { onProgress: (e) => console.log(e.event, e.id, e.done, e.total) })

  const asset: IngestReport = await ingest('https://example.com/talk.mp4', {
    dest: 'library',
    policy: { maxBytes: 2e9, allowedContainers: ['mp4', 'mkv'], minHeight: 360 },
    idleTimeout: 30,
    onProgress: (e) => console.log(e.rate, e.eta),
  })
  const sha: string = (await fingerprint(asset.path)) + (sniffContainer(asset.path) ?? '')
  const made: TranscodeReport = await transcode(asset.path, {
    hls: { dir: 'hls', ladder: [1080, 720, 480], preset: 'veryfast', crf: 23, segmentFormat: 'fmp4' },
    proxy: { path: 'proxy.mp4', height: 540 },
    thumbnails: { dir: 'thumbs', count: 5 },
    sprite: { dir: 'sprites' },
    waveform: { path: 'peaks.json', peaksPerSecond: 50 },
    signal: controller.signal,
  })
  const master: string | undefined = made.hls?.master
  console.log(sha, master, made.hls?.renditions.map((r) => r.bandwidth))

  try {
    await probe('x')
  } catch (e) {
    console.log((e as Error & { code: string }).code)
  }
  console.log(width, rate, samples, firstWord, cancelled, video, output, cuts, installed)

  const speech: Speech = await synthesize('Hello.', { voice: 'joe', seed: 7, rate: 1.1, options: { noise_scale: 0.5 }, onProgress })
  const audio: Float32Array = speech.audio
  const batch: Speech[] = await synthesizeBatch(['One.', 'Two.'], { signal: controller.signal })
  const written: number = (await tts('Hello.', 'speech.wav')).duration
  const languages: string[] = (await voices()).map((v) => v.language)
  const dubbed: DubReport = await dub('in.mp4', 'script.srt', 'out.mp4', { lufs: -14, truePeak: -1, options: { duck: { depth_db: -9 } } })
  const unfit: number[] = dubbed.unfit
  const lufs: number | undefined = (await measureLoudness('out.mp4')).integratedLufs
  console.log(audio, batch, written, languages, unfit, lufs)

  // The job surface: specs and reports typed from the core's JSON Schema.
  const spec: JobSpec = {
    kind: 'clips',
    input: 'in.mp4',
    output: 'out',
    params: { top: 1, min_duration: 5, aspect: '9:16', asr: { threads: 2, word_timing: 'hybrid' } },
  }
  const params: ClipsJob = { clips: { weights: { scene_changes: 0 } }, burn_captions: false }
  const result: JobReport = await run(spec, { onProgress, signal: controller.signal })
  if (result.kind === 'clips') {
    const starts: number[] = result.clips.map((c) => c.start)
    const wps: number = result.clips[0]!.signals.words_per_second ?? 0
    console.log(starts, wps, params)
  } else if (result.kind === 'transcribe') {
    const words: job.Word[] = result.transcript.segments.flatMap((s) => s.words)
    console.log(words, result.format)
  }
  await run({ kind: 'tts', output: 'hello.wav', params: { text: 'Hello.', tts: { voice: 'joe' } } })
  try {
    await run({ kind: 'probe', input: 'x' })
  } catch (e) {
    const err = e as ReelkitError
    console.log(err.code, err.field, err.accepted, err.line)
  }
  // @ts-expect-error: a misspelt key of the params
  await run({ kind: 'clips', input: 'in.mp4', output: 'out', params: { topp: 1 } })
  // @ts-expect-error: a clips job needs an output
  await run({ kind: 'clips', input: 'in.mp4' })
  // @ts-expect-error: an unknown kind
  await run({ kind: 'clipz', input: 'in.mp4' })

  // @ts-expect-error: paths are strings
  await probe(42)
  // @ts-expect-error: unknown option
  await transcribe('in.mp4', { modle: 'base' })
  // @ts-expect-error: a signal is a CancelToken or an AbortSignal
  await cut('in.mp4', 'out.mp4', 0, 1, { signal: 'stop' })
  // @ts-expect-error: an HLS output needs its directory
  await transcode('in.mp4', { hls: { ladder: [720] } })
}
