// Generates types/job.d.ts — the TypeScript types of job specs and reports —
// from the JSON Schema the core generates from its Rust types
// (core/schema/job.schema.json, `reelkit schema`), with the pinned
// json-schema-to-typescript. `--check` writes nothing and fails when the
// committed file differs from what the schema gives.
import { readFileSync, writeFileSync } from 'node:fs'
import { compile } from 'json-schema-to-typescript'

const here = new URL('..', import.meta.url)
const schemaPath = new URL('../../core/schema/job.schema.json', here)
const outPath = new URL('types/job.d.ts', here)

/** `{$ref, description}` as `{description, allOf: [{$ref}]}`, so every
 * reference to a type names that type instead of minting a copy. */
function keepRefs(value) {
  if (Array.isArray(value)) return value.map(keepRefs)
  if (!value || typeof value !== 'object') return value
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keepRefs(v)]))
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out
    return { ...rest, allOf: [{ $ref }] }
  }
  return out
}

const schema = keepRefs(JSON.parse(readFileSync(schemaPath, 'utf8')))
// One spec type per kind, named after it (`ClipsJobSpec`), and every
// definition emitted, the reports included.
for (const variant of schema.oneOf) {
  const kind = variant.properties.kind.const
  variant.title = `${kind[0].toUpperCase()}${kind.slice(1)}JobSpec`
}
const root = {
  type: 'object',
  properties: {},
  additionalProperties: false,
  $defs: { JobSpec: { description: schema.description, oneOf: schema.oneOf }, ...schema.$defs },
}
const banner = `/* Generated from core/schema/job.schema.json by scripts/gen-types.mjs: do not edit. */
/* Job specs and reports as JSON has them (snake_case keys), for \`run\`. */
`
let ts = await compile(root, 'Root', { bannerComment: banner, unreachableDefinitions: true, additionalProperties: false, format: true })
ts = ts
  .replace(/\nexport interface Root \{\}\n/, '\n')
  .replace(/\n \*\n \* This interface was referenced by `Root`'s JSON-Schema\n \* via the `definition` "\w+"\./g, '')
  .replace(/\n\/\*\*\n \* This interface was referenced by `Root`'s JSON-Schema\n \* via the `definition` "\w+"\.\n \*\//g, '')

if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(outPath, 'utf8')
  } catch {}
  if (committed !== ts) {
    console.error('types/job.d.ts is stale: regenerate it with `node scripts/gen-types.mjs` and commit it')
    process.exit(1)
  }
} else {
  writeFileSync(outPath, ts)
}
