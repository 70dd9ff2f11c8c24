package selector

// Labels is a label set a selector is evaluated against.
type Labels interface {
	// Get returns the value of the label key and whether it is present.
	Get(key string) (value string, ok bool)
}

// Map is a label set held in a map. A nil Map has no labels.
type Map map[string]string

// Get implements Labels.
func (m Map) Get(key string) (string, bool) {
	v, ok := m[key]
	return v, ok
}

// Merged looks a key up in A, then in B. Either may be nil. Calico evaluates
// rule selectors over an endpoint's labels merged with the labels its profiles
// apply (the endpoint's own labels win), which is Merged{A: own, B: profile}.
type Merged struct {
	A, B Labels
}

// Get implements Labels.
func (m Merged) Get(key string) (string, bool) {
	if m.A != nil {
		if v, ok := m.A.Get(key); ok {
			return v, true
		}
	}
	if m.B != nil {
		return m.B.Get(key)
	}
	return "", false
}

// none is the empty label set.
type none struct{}

func (none) Get(string) (string, bool) { return "", false }
