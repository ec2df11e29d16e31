// Not run by the tests: records the frames iii-sdk 0.22.1 sends to an engine, for the codec's unit
// test (src/test/resources/dev/rivulet/ws/iii-sdk-0.22.1-frames.jsonl). A stand-in engine answers
// just enough: workerregistered, then a reconnect (to see reattach and the replay).
//   OTEL_ENABLED=false node record-frames.mjs ../resources/dev/rivulet/ws/iii-sdk-0.22.1-frames.jsonl
// (host name, pid and OS of the recording machine in engine::workers::register are replaced)
import { writeFileSync } from 'node:fs'
import { WebSocketServer } from 'ws'
import { registerWorker, TriggerAction } from 'iii-sdk'

const frames = []
let connections = 0
const wss = new WebSocketServer({ port: 0 })
wss.on('connection', (socket, req) => {
  if (req.url.endsWith('/otel')) return socket.on('message', () => {})
  connections++
  const n = connections
  socket.send(JSON.stringify({ type: 'workerregistered', worker_id: `w-${n}`, reattach_token: `t-${n}` }))
  socket.on('message', (data) => {
    const text = data.toString()
    frames.push(text)
    const m = JSON.parse(text)
    if (m.type === 'invokefunction' && m.invocation_id) {
      socket.send(JSON.stringify({ type: 'invocationresult', invocation_id: m.invocation_id, function_id: m.function_id, result: null }))
    }
  })
})
await new Promise((r) => wss.on('listening', r))
const url = `ws://127.0.0.1:${wss.address().port}/iii`
const iii = registerWorker(url, { reconnectionConfig: { initialDelayMs: 50, jitterFactor: 0 } })
iii.trigger({ function_id: 'stream::set', payload: { stream_name: 'presence', group_id: 'room-1', item_id: 'user-123', data: { name: 'Alice', online: true } }, action: TriggerAction.Void() })
await iii.trigger({ function_id: 'stream::get', payload: { stream_name: 'presence', group_id: 'room-1', item_id: 'user-123' } })
const fn = iii.registerFunction('presence::on-change', async () => null, { description: 'on change' })
const trig = iii.registerTrigger({ type: 'stream', function_id: 'presence::on-change', config: { stream_name: 'presence', group_id: 'room-1' } })
await iii.trigger({ function_id: 'stream::list', payload: { stream_name: 'presence', group_id: 'room-1' } })
for (const c of wss.clients) c.terminate()
while (connections < 2 || !frames.some((f) => f.includes('"reattach"'))) await new Promise((r) => setTimeout(r, 20))
await iii.trigger({ function_id: 'stream::list', payload: { stream_name: 'presence', group_id: 'room-1' } })
trig.unregister()
fn.unregister()
await iii.trigger({ function_id: 'stream::list', payload: { stream_name: 'presence', group_id: 'room-1' } })
await iii.shutdown()
const anonymous = (f) =>
  !f.includes('engine::workers::register') ? f : f.replace(/"name":"[^"]*"/, '"name":"host:1234"').replace(/"pid":\d+/, '"pid":1234').replace(/"os":"[^"]*"/, '"os":"linux"')
writeFileSync(process.argv[2], frames.map((f) => anonymous(f) + '\n').join(''))
wss.close()
process.exit(0)
