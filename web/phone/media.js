// WebRTC for one call: the microphone, a peer connection, and SDP offers
// and answers sent whole (the protocol has no trickle ICE, so an SDP goes
// out once ICE gathering is complete). The switch relays G.711 without
// transcoding, so the page offers PCMU, PCMA and telephone-event only.

// Gathering with host candidates takes milliseconds; a STUN server that
// does not answer would stall it, so after this the SDP goes with what it
// has.
const GATHER_LIMIT_MS = 5000;

const WANTED_CODECS = ['audio/PCMU', 'audio/PCMA', 'audio/telephone-event'];

export async function microphone() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error('this browser gives no microphone access here (HTTPS or localhost needed)');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  } catch (err) {
    throw new Error(`no microphone: ${err.message || err.name}`);
  }
}

// CallMedia is the media of one call: its peer connection, the microphone
// stream it sends, and the audio element that plays the far end.
export class CallMedia {
  constructor({ iceServers = [], audio = null, stream = null } = {}) {
    this.stream = stream;
    this.audio = audio;
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc.ontrack = (e) => {
      if (this.audio) this.audio.srcObject = e.streams[0] || new MediaStream([e.track]);
    };
  }

  get track() {
    return this.stream ? this.stream.getAudioTracks()[0] || null : null;
  }

  // offer is the SDP offer to send with op 1003 or 1011.
  async offer() {
    const t = this.pc.addTransceiver(this.track || 'audio', { direction: 'sendrecv', streams: this.stream ? [this.stream] : [] });
    preferG711(t);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.gathered();
  }

  // answer takes the switch's offer (9002, or a 9003 after 9008) and is the
  // SDP to send with op 1004.
  async answer(sdp) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const t = this.pc.getTransceivers().find((x) => x.receiver.track.kind === 'audio');
    if (t) {
      if (this.track && !t.sender.track) await t.sender.replaceTrack(this.track);
      if (this.stream && t.sender.setStreams) t.sender.setStreams(this.stream);
      t.direction = 'sendrecv';
      preferG711(t);
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.gathered();
  }

  // accept applies the switch's answer to our offer (a 9003).
  async accept(sdp) {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  get offering() {
    return this.pc.signalingState === 'have-local-offer';
  }

  // negotiated: an offer and answer went through already. A 9003 then is
  // the switch's SDP after a re-INVITE the switch's UA answered itself
  // (a hold, say): nothing for this peer connection to take up.
  get negotiated() {
    return this.pc.signalingState === 'stable' && !!this.pc.currentRemoteDescription;
  }

  // mute disables the microphone track: the far end hears silence, and the
  // peer connection and the switch notice nothing.
  mute(on) {
    if (this.track) this.track.enabled = !on;
  }

  async gathered() {
    const pc = this.pc;
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const timer = setTimeout(done, GATHER_LIMIT_MS);
        function done() {
          clearTimeout(timer);
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        }
        function check() {
          if (pc.iceGatheringState === 'complete') done();
        }
        pc.addEventListener('icegatheringstatechange', check);
      });
    }
    return pc.localDescription.sdp;
  }

  // stats is what the call's RTP did so far, for the tests and debugging.
  async stats() {
    const report = await this.pc.getStats();
    const out = { connectionState: this.pc.connectionState, packetsReceived: 0, packetsSent: 0, codec: '' };
    report.forEach((s) => {
      if (s.kind !== 'audio') return;
      if (s.type === 'inbound-rtp') {
        out.packetsReceived = s.packetsReceived || 0;
        const c = s.codecId && report.get(s.codecId);
        if (c) out.codec = c.mimeType;
      } else if (s.type === 'outbound-rtp') {
        out.packetsSent = s.packetsSent || 0;
      }
    });
    return out;
  }

  // close ends the peer connection; the stream is the caller's to stop.
  close() {
    this.pc.close();
    if (this.audio && this.audio.srcObject) this.audio.srcObject = null;
  }
}

// preferG711 narrows the transceiver's codecs to G.711 and telephone-event,
// when the browser lets us choose (setCodecPreferences) and has them.
function preferG711(t) {
  if (!t.setCodecPreferences || !globalThis.RTCRtpReceiver || !RTCRtpReceiver.getCapabilities) return;
  const caps = RTCRtpReceiver.getCapabilities('audio');
  if (!caps) return;
  const codecs = [];
  for (const mime of WANTED_CODECS) {
    for (const c of caps.codecs) {
      if (c.mimeType.toLowerCase() === mime.toLowerCase() && (mime !== 'audio/telephone-event' || c.clockRate === 8000)) codecs.push(c);
    }
  }
  if (!codecs.some((c) => c.mimeType !== 'audio/telephone-event')) return;
  try {
    t.setCodecPreferences(codecs);
  } catch {
    // A browser that refuses the list keeps its own order; the switch's
    // answer still picks G.711.
  }
}
