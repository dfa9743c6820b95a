package phone

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// far is the far end of a call's media, played by a pion peer connection
// where the switch's gateway would be: it answers the page's offer (or
// offers to it), receives its RTP and sends G.711 back, all on loopback.
// So the tests check that the page's SDP makes a working call, not only
// that it looks right.
type far struct {
	pc    *webrtc.PeerConnection
	track *webrtc.TrackLocalStaticSample

	rtpOnce sync.Once
	rtp     chan struct{} // closed at the first RTP packet from the page

	mu      sync.Mutex // orders starting the sender against the test's end
	sending bool
	stopped bool
	stop    chan struct{}
	wg      sync.WaitGroup
}

func newFar(t *testing.T) *far {
	t.Helper()
	var m webrtc.MediaEngine
	must(t, m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000, Channels: 1},
		PayloadType:        0,
	}, webrtc.RTPCodecTypeAudio))
	must(t, m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/telephone-event", ClockRate: 8000, SDPFmtpLine: "0-16"},
		PayloadType:        101,
	}, webrtc.RTPCodecTypeAudio))
	var s webrtc.SettingEngine
	// The tests run where loopback is the only interface (main_test.go).
	s.SetIncludeLoopbackCandidate(true)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(&m), webrtc.WithSettingEngine(s))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	must(t, err)
	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000, Channels: 1}, "audio", "far")
	must(t, err)
	_, err = pc.AddTrack(track)
	must(t, err)
	f := &far{pc: pc, track: track, rtp: make(chan struct{}), stop: make(chan struct{})}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			f.rtpOnce.Do(func() { close(f.rtp) })
		}
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateConnected {
			f.send()
		}
	})
	t.Cleanup(func() {
		f.mu.Lock()
		f.stopped = true
		close(f.stop)
		f.mu.Unlock()
		f.wg.Wait()
		_ = pc.Close()
	})
	return f
}

// send plays 20 ms of G.711 silence every 20 ms until the test ends, so the
// page has RTP to receive.
func (f *far) send() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sending || f.stopped {
		return
	}
	f.sending = true
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		silence := make([]byte, 160)
		for i := range silence {
			silence[i] = 0xff
		}
		for {
			select {
			case <-f.stop:
				return
			case <-tick.C:
				if err := f.track.WriteSample(media.Sample{Data: silence, Duration: 20 * time.Millisecond}); err != nil {
					return
				}
			}
		}
	}()
}

// answer answers the page's offer; the SDP is sent whole, after gathering,
// as the protocol has no trickle ICE.
func (f *far) answer(t *testing.T, offer string) string {
	t.Helper()
	must(t, f.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}))
	answer, err := f.pc.CreateAnswer(nil)
	must(t, err)
	return f.local(t, answer)
}

// offer makes an offer for an incoming call to the page.
func (f *far) offer(t *testing.T) string {
	t.Helper()
	offer, err := f.pc.CreateOffer(nil)
	must(t, err)
	return f.local(t, offer)
}

func (f *far) accept(t *testing.T, answer string) {
	t.Helper()
	must(t, f.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}))
}

func (f *far) local(t *testing.T, d webrtc.SessionDescription) string {
	t.Helper()
	gathered := webrtc.GatheringCompletePromise(f.pc)
	must(t, f.pc.SetLocalDescription(d))
	select {
	case <-gathered:
	case <-time.After(waitLimit):
		t.Fatal("pion: ICE gathering did not complete")
	}
	return f.pc.LocalDescription().SDP
}

// waitRTP waits for the page's first RTP packet.
func (f *far) waitRTP(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	select {
	case <-f.rtp:
	case <-ctx.Done():
		t.Fatalf("no RTP from the page (pion connection %s)", f.pc.ConnectionState())
	}
}
