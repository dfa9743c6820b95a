package integration

import (
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// A register trunk in the store registers at boot to its provider (a
// second hookswitch), reports its state, and un-registers when removed.
func TestRegisterTrunkAtBoot(t *testing.T) {
	t.Parallel()
	provider := newSwitch(t)
	if err := provider.st.CreateExtension(store.Extension{Number: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	sw := newSwitch(t)
	if err := sw.st.PutTrunk(store.Trunk{Name: "upstream", Kind: store.TrunkRegister, Host: provider.sip.String(),
		Username: "7001", Password: "Secret-7001-pw", Qualify: 10}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the trunk registered and its peer up", func() bool {
		st := sw.srv.Trunks.Status()
		return len(st) == 1 && st[0].Registration != nil && st[0].Registration.State == trunk.StateRegistered &&
			st[0].Qualify != nil && st[0].Qualify.Health == trunk.HealthUp
	})
	if b := provider.srv.Registrar.Lookup("7001"); len(b) != 1 {
		t.Fatalf("provider bindings for 7001: %+v", b)
	}
	if err := sw.st.DeleteTrunk("upstream"); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the binding removed", func() bool { return len(provider.srv.Registrar.Lookup("7001")) == 0 })
	if st := sw.srv.Trunks.Status(); len(st) != 0 {
		t.Fatalf("a removed trunk still runs: %+v", st)
	}
}
