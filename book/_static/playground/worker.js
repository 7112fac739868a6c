// The playground's second thread (a module Web Worker, started by playground.js):
// it holds the LiveRun (live.js) that trains the network and works out the
// pictures, so that the page's own thread only paints them and answers the
// controls. It says "hello" once loaded; until then the page keeps its
// messages, and if the worker cannot start, the page trains by itself with the
// same LiveRun.

import { LiveRun } from "./live.js";

// "Run f soon, after the messages already waiting": a message to ourselves
// through a MessageChannel queues behind the page's messages, so a slice of
// training never delays a change of a control by more than one slice
// (setTimeout(f, 0) would also do, but browsers stretch it to 4 ms or more).
const channel = new MessageChannel(), waiting = [];
channel.port1.onmessage = () => waiting.shift()();
const later = (f) => { waiting.push(f); channel.port2.postMessage(null); };

const live = new LiveRun((message, transfer = []) => self.postMessage(message, transfer), later);
self.onmessage = (event) => live.receive(event.data);
self.postMessage({ type: "hello" });
