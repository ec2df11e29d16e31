'use strict';
// Baseline server of stream-bench's FanoutBenchmark (SPEC §8): the plain Node `ws` broadcast.
// - WebSocket on GET /: a client sends the Rivulet join message
//   {"type":"join","data":{"subscriptionId":..,"streamName":..,"groupId":..}} and gets a sync message
//   of the same shape Rivulet sends for an empty group; it is then in the group's set.
// - POST /broadcast/<group>: the request body (the exact bytes of one stream message, built by the
//   harness) is sent as one text frame to every client of the group; the answer is 200 "ok" once
//   every send() was issued (what ws does, not when the bytes are on the wire).
// - stdin "heap" prints "heap <usedBytes>" after a GC when run with --expose-gc.
// Prints "node listening on ws://127.0.0.1:PORT/" once listening (port 0 = any free port).
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const groups = new Map(); // group id -> Set<WebSocket>

const server = http.createServer((req, res) => {
  const m = /^\/broadcast\/([^/?]+)$/.exec(req.url);
  if (req.method !== 'POST' || !m) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const members = groups.get(decodeURIComponent(m[1]));
    let n = 0;
    if (members) {
      for (const ws of members) {
        ws.send(body, { binary: false });
        n++;
      }
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(String(n));
  });
});

const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  const joined = new Set();
  ws.on('message', (data) => {
    let msg;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch (e) {
      return;
    }
    if (!msg || msg.type !== 'join' || !msg.data || typeof msg.data.groupId !== 'string') {
      return;
    }
    const d = msg.data;
    let set = groups.get(d.groupId);
    if (!set) {
      set = new Set();
      groups.set(d.groupId, set);
    }
    set.add(ws);
    joined.add(d.groupId);
    ws.send(
      JSON.stringify({
        type: 'stream',
        timestamp: Date.now(),
        streamName: d.streamName,
        groupId: d.groupId,
        id: null,
        event: { type: 'sync', data: [] },
        seq: 0,
      }),
    );
  });
  ws.on('close', () => {
    for (const g of joined) {
      const set = groups.get(g);
      if (set) set.delete(ws);
    }
  });
  ws.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => {
  console.log(`node listening on ws://127.0.0.1:${server.address().port}/`);
});

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let i;
  while ((i = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, i).trim();
    input = input.slice(i + 1);
    if (line === 'heap') {
      if (global.gc) global.gc();
      console.log(`heap ${process.memoryUsage().heapUsed}`);
    } else if (line === 'quit') {
      process.exit(0);
    }
  }
});
process.stdin.on('end', () => process.exit(0));
