package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestMeta(t *testing.T) {
	s := openDisk(t)
	if _, err := s.GetMeta("nonce-secret"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: err = %v, want ErrNotFound", err)
	}
	val := []byte("s3cr3t")
	if err := s.PutMeta("nonce-secret", val); err != nil {
		t.Fatal(err)
	}
	val[0] = 'X' // the store must not alias the caller's slice
	got, err := s.GetMeta("nonce-secret")
	if err != nil || string(got) != "s3cr3t" {
		t.Fatalf("get = %q, %v", got, err)
	}
	got[0] = 'Y' // nor hand out its own memory
	if again, _ := s.GetMeta("nonce-secret"); string(again) != "s3cr3t" {
		t.Errorf("returned value aliases the store: %q", again)
	}
	if err := s.PutMeta("nonce-secret", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetMeta("nonce-secret"); string(got) != "v2" {
		t.Errorf("overwrite: %q", got)
	}
	if err := s.PutMeta("empty", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetMeta("empty"); err != nil || len(got) != 0 {
		t.Errorf("empty value: %q, %v", got, err)
	}
	if err := s.DeleteMeta("empty"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMeta("empty"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestMetaValidation(t *testing.T) {
	s := openMem(t)
	for _, name := range []string{"", strings.Repeat("n", 257), "a\x00b"} {
		if err := s.PutMeta(name, []byte("v")); !errors.Is(err, ErrInvalid) {
			t.Errorf("put %q: err = %v, want ErrInvalid", name, err)
		}
		if _, err := s.GetMeta(name); !errors.Is(err, ErrInvalid) {
			t.Errorf("get %q: err = %v, want ErrInvalid", name, err)
		}
	}
	big := bytes.Repeat([]byte{1}, MaxMetaValueLen+1)
	if err := s.PutMeta("big", big); !errors.Is(err, ErrInvalid) {
		t.Errorf("oversize value: err = %v", err)
	}
	if err := s.PutMeta("max", big[:MaxMetaValueLen]); err != nil {
		t.Errorf("max-size value: %v", err)
	}
}
