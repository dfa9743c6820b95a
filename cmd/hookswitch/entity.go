package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/hookswitch/hookswitch/switch/store"
)

// entity is what the config-entity commands (group, queue, tenant, ...)
// share: each operation runs on the data dir's store when this process
// could open it, or else as the REST call that does the same to the running
// switch through its control socket. A command keeps its own flags,
// printing and special subcommands; funcs it does not use stay nil.
type entity[T any] struct {
	cmd  string // the command, as errors name it: "pinset"
	noun string // what the output calls one: "pin set"
	path string // the REST collection: "/api/v1/pinsets"

	// The store's methods, as method expressions: (*store.Store).ListGroups.
	stList   func(*store.Store) ([]T, error)
	stGet    func(*store.Store, string) (T, error)
	stCreate func(*store.Store, T) error // refuses a key that exists
	stPut    func(*store.Store, T) error // creates or replaces
	stDelete func(*store.Store, string) error

	printList func(io.Writer, []T) error
	printOne  func(io.Writer, T) error // nil: the command does `show` itself
}

// item is the REST path of one entity.
func (e entity[T]) item(key string) string { return e.path + "/" + url.PathEscape(key) }

func (e entity[T]) list(b *backend) ([]T, error) {
	if b.st != nil {
		return e.stList(b.st)
	}
	var list []T
	err := b.call("GET", e.path, nil, &list)
	return list, err
}

func (e entity[T]) get(b *backend, key string) (T, error) {
	if b.st != nil {
		return e.stGet(b.st, key)
	}
	var v T
	err := b.call("GET", e.item(key), nil, &v)
	return v, err
}

func (e entity[T]) create(b *backend, v T) error {
	if b.st != nil {
		return e.stCreate(b.st, v)
	}
	return b.call("POST", e.path, v, nil)
}

func (e entity[T]) put(b *backend, key string, v T) error {
	if b.st != nil {
		return e.stPut(b.st, v)
	}
	return b.call("PUT", e.item(key), v, nil)
}

func (e entity[T]) delete(b *backend, key string) error {
	if b.st != nil {
		return e.stDelete(b.st, key)
	}
	return b.call("DELETE", e.item(key), nil, nil)
}

// showList prints every entity with printList.
func (e entity[T]) showList(b *backend, w io.Writer) error {
	list, err := e.list(b)
	if err != nil {
		return err
	}
	return e.printList(w, list)
}

// common runs the subcommands that every entity has alike: list, show (when
// printOne is set) and delete. The caller has checked that pos holds the
// one key show and delete take. done is false for any other subcommand.
func (e entity[T]) common(b *backend, sub string, pos []string, w io.Writer) (done bool, err error) {
	switch {
	case sub == "list":
		return true, e.showList(b, w)
	case sub == "show" && e.printOne != nil:
		v, err := e.get(b, pos[0])
		if err != nil {
			return true, fmt.Errorf("%s show %s: %w", e.cmd, pos[0], err)
		}
		return true, e.printOne(w, v)
	case sub == "delete":
		if err := e.delete(b, pos[0]); err != nil {
			return true, fmt.Errorf("%s delete %s: %w", e.cmd, pos[0], err)
		}
		fmt.Fprintf(w, "%s %s deleted\n", e.noun, pos[0])
		return true, nil
	}
	return false, nil
}

// notFound tells whether err says the entity does not exist: the store's
// ErrNotFound, or through the socket the switch's text, where a 404 says
// "not found".
func notFound(b *backend, err error) bool {
	return errors.Is(err, store.ErrNotFound) || b.st == nil && err != nil && strings.HasSuffix(err.Error(), ": not found")
}
