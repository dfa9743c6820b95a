package media

import "math/rand/v2"

// Source is audio a terminated leg plays: 8 kHz mono PCM. Read fills dst
// and returns how much it wrote; fewer than len(dst) means it has ended.
// A source is read from one clock goroutine at a time.
type Source interface {
	Read(dst []int16) int
}

// Clip plays PCM samples loops times (0: forever).
type Clip struct {
	pcm   []int16
	pos   int
	loops int
	done  int
}

// NewClip plays pcm loops times; loops < 1 plays forever. Silent or empty
// audio ends at once.
func NewClip(pcm []int16, loops int) *Clip { return &Clip{pcm: pcm, loops: loops} }

func (c *Clip) Read(dst []int16) int {
	n := 0
	for n < len(dst) && len(c.pcm) > 0 {
		if c.pos == len(c.pcm) {
			c.done++
			if c.loops > 0 && c.done >= c.loops {
				break
			}
			c.pos = 0
		}
		k := copy(dst[n:], c.pcm[c.pos:])
		c.pos += k
		n += k
	}
	return n
}

// Sequence plays clips one after another, once.
type Sequence struct {
	clips  [][]int16
	i, pos int
}

// NewSequence plays clips in turn.
func NewSequence(clips [][]int16) *Sequence { return &Sequence{clips: clips} }

func (s *Sequence) Read(dst []int16) int {
	n := 0
	for n < len(dst) && s.i < len(s.clips) {
		c := s.clips[s.i]
		if s.pos == len(c) {
			s.i, s.pos = s.i+1, 0
			continue
		}
		k := copy(dst[n:], c[s.pos:])
		s.pos += k
		n += k
	}
	return n
}

// Playlist plays tracks one after another, for ever: in turn, or shuffled
// anew on every round (music on hold).
type Playlist struct {
	tracks  [][]int16
	order   []int
	shuffle bool
	i, pos  int
}

// NewPlaylist plays tracks (each 8 kHz PCM) forever. With no tracks, or
// only empty ones, it ends at once.
func NewPlaylist(tracks [][]int16, shuffle bool) *Playlist {
	p := &Playlist{tracks: tracks, shuffle: shuffle, order: make([]int, len(tracks))}
	p.round()
	return p
}

func (p *Playlist) round() {
	for i := range p.order {
		p.order[i] = i
	}
	if p.shuffle {
		rand.Shuffle(len(p.order), func(i, j int) { p.order[i], p.order[j] = p.order[j], p.order[i] })
	}
	p.i, p.pos = 0, 0
}

func (p *Playlist) Read(dst []int16) int {
	n, empty := 0, 0
	for n < len(dst) && empty <= len(p.tracks) && len(p.tracks) > 0 {
		t := p.tracks[p.order[p.i]]
		if p.pos == len(t) {
			if len(t) == 0 {
				empty++
			}
			p.i, p.pos = p.i+1, 0
			if p.i == len(p.order) {
				p.round()
			}
			continue
		}
		empty = 0
		k := copy(dst[n:], t[p.pos:])
		p.pos += k
		n += k
	}
	return n
}

// Silence plays nothing for a while: gaps between prompts that keep the
// stream's timing.
type Silence struct{ left int }

// NewSilence lasts samples samples.
func NewSilence(samples int) *Silence { return &Silence{left: samples} }

func (s *Silence) Read(dst []int16) int {
	n := min(len(dst), s.left)
	clear(dst[:n])
	s.left -= n
	return n
}
