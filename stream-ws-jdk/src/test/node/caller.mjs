// A second worker calling the first one's function, and a failing one.
import { registerWorker } from 'iii-sdk'
import { emit, deadline } from './lib.mjs'

deadline()
const iii = registerWorker(process.argv[2])
const sum = await iii.trigger({ function_id: 'calc::add', payload: { a: 2, b: 40 } })
let failure
try {
  await iii.trigger({ function_id: 'calc::fail', payload: {} })
} catch (e) {
  failure = { code: e.code, message: e.message }
}
emit('called', { sum, failure })
await iii.shutdown()
process.exit(0)
