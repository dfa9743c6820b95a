package call

import (
	"testing"

	"github.com/hookswitch/hookswitch/switch/sip"
)

func TestBestFailure(t *testing.T) {
	for _, tc := range []struct {
		codes []int
		want  int
	}{
		{nil, 480},
		{[]int{408, 480}, 480},
		{[]int{480, 486}, 486},
		{[]int{486, 603}, 603},
		{[]int{404, 486}, 486},
		{[]int{415, 404, 480}, 404},
		{[]int{500, 408}, 503},
		{[]int{487}, 480},
	} {
		code, _ := sip.StatusOf(bestFailure(tc.codes))
		if code != tc.want {
			t.Errorf("bestFailure(%v) = %d, want %d", tc.codes, code, tc.want)
		}
	}
}
