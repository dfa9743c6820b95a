package call

import (
	"context"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Queue puts the caller in a call queue (being written).
func (p *programCall) Queue(ctx context.Context, s hook.QueueSpec) (hook.QueueResult, error) {
	return hook.QueueResult{}, hook.ErrNotAvailable
}
