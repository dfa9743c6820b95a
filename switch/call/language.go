package call

// langAudio is an Audio with prompts in several languages
// (audio.Library.LoadIn).
type langAudio interface {
	LoadIn(lang, name string) ([]int16, error)
}

// load returns a sound for a caller of language lang ("" the default).
func (m *Manager) load(lang, name string) ([]int16, error) {
	if la, ok := m.audio.(langAudio); ok && lang != "" {
		return la.LoadIn(lang, name)
	}
	return m.audio.Load(name)
}

// language is the caller's extension's prompt language ("" the
// switch's): programs pick their prompts in it (SPEC P1).
func (c *Call) language() string {
	if c.a == nil {
		return ""
	}
	return c.a.set.language
}
