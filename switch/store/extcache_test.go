package store

import (
	"errors"
	"sync"
	"testing"
)

// Reads served from the cache follow every change.
func TestExtensionCacheFollowsChanges(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateExtension(Extension{Number: "1001", Name: "old", Password: "Secret1234x"}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.GetExtension("1001"); err != nil || e.Name != "old" {
		t.Fatalf("first read: %+v %v", e, err)
	}
	if err := s.UpdateExtension(Extension{Number: "1001", Name: "new", Password: "Secret1234y"}); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.GetExtension("1001"); e.Name != "new" || e.Password != "Secret1234y" {
		t.Fatalf("read after update still sees %+v", e)
	}
	if err := s.DeleteExtension("1001"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetExtension("1001"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read after delete: %v", err)
	}
	// Readers racing writers never keep a value older than the last write.
	if err := s.CreateExtension(Extension{Number: "1002", Name: "v0", Password: "Secret1234x"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					s.GetExtension("1002")
				}
			}
		}()
	}
	for i := range 50 {
		if err := s.UpdateExtension(Extension{Number: "1002", Name: "v" + string(rune('a'+i%26)), Password: "Secret1234x"}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if e, _ := s.GetExtension("1002"); e.Name != "v"+string(rune('a'+49%26)) {
		t.Fatalf("cache kept a stale value: %q", e.Name)
	}
	s.Close()
	if _, err := s.GetExtension("1002"); !errors.Is(err, ErrClosed) {
		t.Fatalf("cached read after Close: %v, want ErrClosed", err)
	}
}
