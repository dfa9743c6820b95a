package ua

import (
	"errors"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
)

func TestEditSDP(t *testing.T) {
	in := "v=0\no=- 1 5 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\na=sendrecv\n" +
		"m=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=recvonly\nm=video 0 RTP/AVP 96\n"
	out, err := editSDP([]byte(in), media.DirectionSendOnly, 9)
	if err != nil {
		t.Fatal(err)
	}
	want := "v=0\r\no=- 1 9 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
		"m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\nm=video 0 RTP/AVP 96\r\na=sendonly\r\n"
	if string(out) != want {
		t.Fatalf("got\n%q\nwant\n%q", out, want)
	}
	s, err := media.ParseSDP(out)
	if err != nil || s.Audio().Direction != media.DirectionSendOnly {
		t.Fatalf("reparsed: %v %v", err, s)
	}
	if v, err := sdpVersion(out); err != nil || v != 9 {
		t.Fatalf("version %d %v", v, err)
	}
	for _, bad := range []string{"", "v=0\r\n", "v=0\r\no=- 1\r\n", "v=0\r\nnot a line\r\no=- 1 1 IN IP4 1.2.3.4\r\n",
		"v=0\r\no=- 1 x IN IP4 1.2.3.4\r\n"} {
		if out, err := editSDP([]byte(bad), media.DirectionSendRecv, 1); err == nil && !strings.Contains(bad, " x ") {
			t.Errorf("editSDP(%q) accepted: %q", bad, out)
		}
	}
	for _, bad := range []string{"", "v=0\r\n", "v=0\r\no=- 1\r\n", "v=0\r\no=- 1 x IN IP4 1.2.3.4\r\n", "o=- 1 -1 IN IP4 1.2.3.4"} {
		if _, err := sdpVersion([]byte(bad)); err == nil {
			t.Errorf("sdpVersion(%q) accepted", bad)
		}
	}
	if _, err := editSDP(make([]byte, media.MaxSDPSize+1), media.DirectionSendRecv, 1); !errors.Is(err, media.ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
}

func TestAnswerDir(t *testing.T) {
	for _, tc := range []struct {
		offer media.Direction
		c0    bool // c=0.0.0.0
		hold  bool
		want  media.Direction
	}{
		{media.DirectionSendRecv, false, false, media.DirectionSendRecv},
		{media.DirectionUnknown, false, false, media.DirectionSendRecv},
		{media.DirectionSendOnly, false, false, media.DirectionRecvOnly},
		{media.DirectionRecvOnly, false, false, media.DirectionSendOnly},
		{media.DirectionInactive, false, false, media.DirectionInactive},
		{media.DirectionSendRecv, true, false, media.DirectionRecvOnly},
		{media.DirectionSendRecv, false, true, media.DirectionSendOnly},
		{media.DirectionSendOnly, false, true, media.DirectionInactive},
		{media.DirectionRecvOnly, false, true, media.DirectionSendOnly},
	} {
		info := media.AudioInfo{Direction: tc.offer, Hold: tc.c0 || tc.offer == media.DirectionSendOnly || tc.offer == media.DirectionInactive}
		if got := answerDir(info, tc.hold); got != tc.want {
			t.Errorf("offer %s (c=0 %v), we hold %v: %s, want %s", tc.offer, tc.c0, tc.hold, got, tc.want)
		}
	}
}

func TestParseMessageSummary(t *testing.T) {
	m, err := ParseMessageSummary([]byte("Messages-Waiting: yes\r\nMessage-Account: sip:1001@host\r\nVoice-Message: 2/8 (1/3)\r\nFax-Message: 1/1\r\n"))
	if err != nil || !m.Waiting || m.Account != "sip:1001@host" || m.New != 2 || m.Old != 8 || m.NewUrgent != 1 || m.OldUrgent != 3 {
		t.Fatalf("%+v %v", m, err)
	}
	m, err = ParseMessageSummary([]byte("messages-waiting:no\n"))
	if err != nil || m.Waiting {
		t.Fatalf("%+v %v", m, err)
	}
	for _, bad := range []string{"", "Voice-Message: 1/0", "Messages-Waiting: maybe", "Messages-Waiting: yes\nVoice-Message: 1",
		"Messages-Waiting: yes\nVoice-Message: -1/0", "Messages-Waiting: yes\nVoice-Message: 1/0 (2/", "Messages-Waiting: yes\nVoice-Message: 99999999999/0"} {
		if _, err := ParseMessageSummary([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
