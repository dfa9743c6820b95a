package store

import "testing"

// A ring group's or queue's no_answer and an inbound rule's destinations
// send calls to their own record's tenant only; an extension a
// destination sends calls to keeps its tenant.
func TestTenantDestinations(t *testing.T) {
	s := tenantStore(t)
	if err := s.PutTenant(Tenant{Name: "a", Domain: "a.example.com", Trunks: []TenantTrunk{{"t1", "44*****"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTenant(Tenant{Name: "b", Domain: "b.example.com"}); err != nil {
		t.Fatal(err)
	}
	for n, tenant := range map[string]string{"110": "a", "111": "a", "210": "b", "310": ""} {
		if err := s.CreateExtension(Extension{Number: n, Password: "Secret-" + n + "-pw", Tenant: tenant}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutGroup(Group{Number: "600", Tenant: "b", Members: []string{"210"}}); err != nil {
		t.Fatal(err)
	}
	ext := func(n string) Destination { return Destination{Kind: DestExtension, Target: n} }
	wantField(t, s.PutGroup(Group{Number: "500", Tenant: "a", Members: []string{"110"}, NoAnswer: ext("210")}),
		"no_answer", "extension 210 is of tenant b, not of tenant a")
	wantField(t, s.PutGroup(Group{Number: "500", Tenant: "a", Members: []string{"110"}, NoAnswer: Destination{Kind: DestVoicemail, Target: "310"}}),
		"no_answer", "voicemail 310: extension 310 is of no tenant, not of tenant a")
	wantField(t, s.PutGroup(Group{Number: "500", Tenant: "a", Members: []string{"110"}, NoAnswer: Destination{Kind: DestGroup, Target: "600"}}),
		"no_answer", "group 600 is of tenant b")
	wantField(t, s.PutQueue(Queue{Number: "700", Tenant: "a", NoAnswer: ext("210")}), "no_answer", "extension 210 is of tenant b")
	wantField(t, s.PutQueue(Queue{Number: "700", NoAnswer: ext("110")}), "no_answer", "extension 110 is of tenant a, not of no tenant")
	wantField(t, s.PutInboundRule(InboundRule{Name: "in", DID: "*", Destination: ext("110")}),
		"destination", "extension 110 is of tenant a, not of no tenant")
	wantField(t, s.PutInboundRule(InboundRule{Name: "in", Tenant: "a", Trunks: []string{"t1"}, DID: "4412345", Destination: ext("310")}),
		"destination", "extension 310 is of no tenant")

	// Inside the tenant they pass.
	if err := s.PutGroup(Group{Number: "500", Tenant: "a", Members: []string{"110"}, NoAnswer: ext("111")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueue(Queue{Number: "700", Tenant: "a", NoAnswer: Destination{Kind: DestGroup, Target: "500"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInboundRule(InboundRule{Name: "in", Tenant: "a", Trunks: []string{"t1"}, DID: "4412345", Destination: ext("111")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInboundRule(InboundRule{Name: "own", DID: "*", Trunks: []string{"t2"}, Destination: ext("310")}); err != nil {
		t.Fatal(err)
	}
	// 111 cannot leave tenant a while a's records send calls to it.
	e, err := s.GetExtension("111")
	if err != nil {
		t.Fatal(err)
	}
	e.Tenant = "b"
	wantConflict(t, s.UpdateExtension(e), "inbound rule in", "in use by inbound rule in")
}

// IVRs and rooms of the store are destinations like the others: of the
// sender's tenant, and not deleted while a rule, a group or another IVR
// sends calls to them. A name the store does not have may be a menu or
// room of scripts/apps.lua and passes.
func TestIVRAndRoomDestinations(t *testing.T) {
	s := tenantStore(t)
	if err := s.PutTenant(Tenant{Name: "a", Domain: "a.example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateExtension(Extension{Number: "110", Password: "Secret-110-pw", Tenant: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateIVR(IVR{Number: "5100", Tenant: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRoom(Room{Number: "8100"}); err != nil {
		t.Fatal(err)
	}
	ivr := Destination{Kind: DestIVR, Target: "5100"}
	room := Destination{Kind: DestConference, Target: "8100"}
	wantField(t, s.PutQueue(Queue{Number: "700", NoAnswer: ivr}), "no_answer", "ivr 5100 is of tenant a, not of no tenant")
	wantField(t, s.PutGroup(Group{Number: "500", Tenant: "a", Members: []string{"110"}, NoAnswer: room}),
		"no_answer", "conference room 8100 is of no tenant, not of tenant a")
	if err := s.PutInboundRule(InboundRule{Name: "menu", DID: "*", Destination: Destination{Kind: DestIVR, Target: "main"}}); err != nil {
		t.Fatalf("an apps.lua menu by name: %v", err)
	}
	if err := s.PutGroup(Group{Number: "500", Tenant: "a", Members: []string{"110"}, NoAnswer: ivr}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInboundRule(InboundRule{Name: "conf", DID: "5551234", Destination: room}); err != nil {
		t.Fatal(err)
	}
	wantConflict(t, s.DeleteIVR("5100"), "ring group 500", "in use by ring group 500")
	wantConflict(t, s.DeleteRoom("8100"), "inbound rule conf", "in use by inbound rule conf")
	if err := s.DeleteInboundRule("conf"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRoom("8100"); err != nil {
		t.Fatalf("a room nothing sends calls to: %v", err)
	}
}
