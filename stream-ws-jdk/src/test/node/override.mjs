// createStream (iii-sdk/helpers): the worker's own storage for stream 'custom', registered as the
// per-stream overrides stream::get(custom), stream::set(custom) … Stops when stdin closes.
import { registerWorker } from 'iii-sdk'
import { createStream } from 'iii-sdk/helpers'
import { emit, stdinClosed } from './lib.mjs'

const iii = registerWorker(process.argv[2])
const items = new Map() // "group/item" -> value
const key = (i) => `${i.group_id}/${i.item_id}`

createStream(iii, 'custom', {
  async get(input) {
    emit('get', { input })
    return items.get(key(input)) ?? null
  },
  async set(input) {
    emit('set', { input })
    const old_value = items.get(key(input)) ?? null
    items.set(key(input), input.data)
    return { old_value, new_value: input.data }
  },
  async delete(input) {
    const old_value = items.get(key(input)) ?? null
    items.delete(key(input))
    return { old_value }
  },
  async list(input) {
    return [...items.entries()].filter(([k]) => k.startsWith(input.group_id + '/')).map(([, v]) => v)
  },
  async listGroups() {
    return [...new Set([...items.keys()].map((k) => k.split('/')[0]))].sort()
  },
  async update() {
    return null
  },
})
await iii.trigger({ function_id: 'stream::list_groups', payload: { stream_name: 'custom' } })
emit('ready')

await stdinClosed()
await iii.shutdown()
process.exit(0)
