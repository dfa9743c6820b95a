package dtmf

// Held reports whether the key of the last digit reported is still
// sounding: a converter that turns tones into RFC 4733 events keeps the
// event going while it is, and ends it when the pause has re-armed the key.
func (d *Detector) Held() bool { return d.held != noKey }
