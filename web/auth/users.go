package auth

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// UserView is a user as the API shows it: never its password hash.
type UserView struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Tenant    string    `json:"tenant,omitempty"`
	Ext       string    `json:"ext,omitempty"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// UserInput is the body of POST /api/v1/users and PUT /api/v1/users/{name}.
// Password is required to create; on PUT, empty keeps the old one.
type UserInput struct {
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Tenant   string `json:"tenant,omitempty"`
	Ext      string `json:"ext,omitempty"`
	Password string `json:"password,omitempty"`
	Disabled bool   `json:"disabled"`
}

const userExample = `{"name": "ann", "role": "operator", "password": "..."}`

// ViewUser is how the API shows u.
func ViewUser(u store.User) UserView {
	return UserView{Name: u.Name, Role: u.Role, Tenant: u.Tenant, Ext: u.Ext, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func (s *Service) listUsers(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	list, err := s.cfg.Store.ListUsers()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	out := make([]UserView, len(list))
	for i, u := range list {
		out[i] = ViewUser(u)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Service) getUser(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	u, err := s.cfg.Store.GetUser(chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, ViewUser(u))
}

// NewUser checks in's password and builds the user to create. Errors are
// *store.FieldError or say the name is reserved (store.ErrExists).
func (s *Service) NewUser(in UserInput) (store.User, error) {
	if s.ReservedName(in.Name) {
		return store.User{}, fmt.Errorf("user name %s is reserved: %w", in.Name, store.ErrExists)
	}
	if in.Password == "" {
		return store.User{}, &store.FieldError{Field: "password", Reason: "required"}
	}
	if err := CheckStrength(in.Name, in.Password); err != nil {
		return store.User{}, err
	}
	h, err := HashPassword(in.Password)
	if err != nil {
		return store.User{}, err
	}
	return store.User{Name: in.Name, Role: in.Role, Tenant: in.Tenant, Ext: in.Ext, Password: h, Disabled: in.Disabled}, nil
}

func (s *Service) createUser(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	var in UserInput
	if err := decode(w, r, &in, userExample); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	u, err := s.NewUser(in)
	if err == nil {
		err = s.cfg.Store.CreateUser(u)
	}
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	u, err = s.cfg.Store.GetUser(u.Name)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, ViewUser(u))
}

// putUser replaces an existing user's role, tenant, extension and
// disabled flag, and its password when one is given. Its sessions end.
func (s *Service) putUser(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	name := chi.URLParam(r, "name")
	var in UserInput
	if err := decode(w, r, &in, userExample); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	if in.Name != "" && in.Name != name {
		writeErr(w, http.StatusBadRequest, errors.New("invalid name: differs from the URL's (users are not renamed)"))
		return
	}
	var h *store.PasswordHash
	if in.Password != "" {
		if err := CheckStrength(name, in.Password); err != nil {
			writeErr(w, statusOf(err), err)
			return
		}
		ph, err := HashPassword(in.Password)
		if err != nil {
			writeErr(w, http.StatusInternalServerError, err)
			return
		}
		h = &ph
	}
	u, err := s.cfg.Store.UpdateUser(name, func(u *store.User) error {
		u.Role, u.Tenant, u.Ext, u.Disabled = in.Role, in.Tenant, in.Ext, in.Disabled
		if h != nil {
			u.Password = *h
		}
		return nil
	})
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	s.sess.endUser(name)
	writeJSON(w, http.StatusOK, ViewUser(u))
}

func (s *Service) deleteUser(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	name := chi.URLParam(r, "name")
	if err := s.cfg.Store.DeleteUser(name); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	s.sess.endUser(name)
	w.WriteHeader(http.StatusNoContent)
}
