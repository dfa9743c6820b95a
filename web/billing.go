package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/plugins/billing/ledger"
	"github.com/hookswitch/hookswitch/plugins/billing/rating"
	"github.com/hookswitch/hookswitch/switch/store"
)

// BillingStore is what the billing routes need of the store: the billing
// plugin's KV namespace (see plugins/billing/ledger) and the directory.
type BillingStore interface {
	ledger.Store
	GetExtension(number string) (store.Extension, error)
}

// Balance is an extension's prepaid balance as the API shows it: a
// decimal amount ("12.5"), though the store keeps an integer of
// micro-units (see plugins/billing/ledger). Stored is false when the
// extension has no balance record (the plugin counts 0).
type Balance struct {
	Extension string       `json:"extension"`
	Balance   rating.Money `json:"balance"`
	Stored    bool         `json:"stored"`
}

func (a *API) billingRoutes(r chi.Router) {
	r.Put("/api/v1/billing/rates", a.importRates)
	r.Get("/api/v1/billing/rates", a.exportRates)
	r.Delete("/api/v1/billing/rates", a.clearRates)
	r.Get("/api/v1/billing/balances", a.balances)
	r.Get("/api/v1/billing/balances/{ext}", a.balance)
	r.Put("/api/v1/billing/balances/{ext}", a.setBalance)
	r.Post("/api/v1/billing/balances/{ext}/topup", a.topUp)
}

// importRates adds a CSV rate deck (the body): 200 with how many; 409 for
// a rate given twice or already stored, 422 for a malformed deck, 413
// beyond rating.MaxCSVBytes or MaxCSVRows; errors name the line. A
// refused import writes nothing.
func (a *API) importRates(w http.ResponseWriter, r *http.Request) {
	n, err := ledger.ImportRates(a.B, http.MaxBytesReader(w, r.Body, rating.MaxCSVBytes+1))
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		writeJSON(w, 200, map[string]any{"imported": n})
	case errors.Is(err, rating.ErrDuplicate):
		writeErr(w, http.StatusConflict, err)
	case errors.Is(err, rating.ErrTooLarge), errors.As(err, &mbe):
		writeErr(w, http.StatusRequestEntityTooLarge, fmt.Errorf("rate deck: more than %d bytes or %d rows", rating.MaxCSVBytes, rating.MaxCSVRows))
	case errors.Is(err, ledger.ErrStorage):
		writeErr(w, 500, err)
	default:
		writeErr(w, http.StatusUnprocessableEntity, err)
	}
}

// exportRates answers the stored rates as a CSV rate deck, sorted by
// direction and prefix.
func (a *API) exportRates(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := ledger.ExportRates(a.B, &buf); err != nil {
		writeErr(w, 500, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Write(buf.Bytes())
}

func (a *API) clearRates(w http.ResponseWriter, r *http.Request) {
	n, err := ledger.ClearRates(a.B)
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	writeJSON(w, 200, map[string]any{"deleted": n})
}

// balances lists the stored balances, by extension; a stored value that
// is not an integer of micro-units is a 500 naming its extension.
func (a *API) balances(w http.ResponseWriter, r *http.Request) {
	all, err := ledger.Balances(a.B)
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	writeJSON(w, 200, all)
}

// balance answers an extension's balance (404 for no such extension).
func (a *API) balance(w http.ResponseWriter, r *http.Request) {
	ext := chi.URLParam(r, "ext")
	if _, err := a.B.GetExtension(ext); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	m, ok, err := ledger.Balance(a.B, ext)
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	writeJSON(w, 200, Balance{Extension: ext, Balance: m, Stored: ok})
}

// setBalance sets an extension's balance from {"balance": "12.50"} (a
// JSON number is read the same way): 404 for no such extension, 400 for
// a body that is not that object, 422 for an amount ParseMoney refuses.
// It replaces the balance in one write: a debit of a call ending at the
// same time applies before or after it.
func (a *API) setBalance(w http.ResponseWriter, r *http.Request) {
	ext := chi.URLParam(r, "ext")
	m, ok := readAmount(w, r, "balance", "12.50")
	if !ok {
		return
	}
	if _, err := a.B.GetExtension(ext); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	if err := ledger.SetBalance(a.B, ext, m); err != nil {
		writeErr(w, 500, err)
		return
	}
	writeJSON(w, 200, Balance{Extension: ext, Balance: m, Stored: true})
}

// topUp adds {"amount": "5.00"} (negative for a correction) to an
// extension's balance atomically, so a debit of a call ending at the same
// time is never lost: 404 for no such extension, 400 for a body that is
// not that object, 422 for an amount ParseMoney refuses or a balance it
// would carry past the limit.
func (a *API) topUp(w http.ResponseWriter, r *http.Request) {
	ext := chi.URLParam(r, "ext")
	m, ok := readAmount(w, r, "amount", "5.00")
	if !ok {
		return
	}
	if _, err := a.B.GetExtension(ext); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	bal, err := ledger.TopUp(a.B, ext, m)
	if err != nil {
		writeErr(w, http.StatusUnprocessableEntity, err)
		return
	}
	writeJSON(w, 200, Balance{Extension: ext, Balance: bal, Stored: true})
}

// readAmount reads {"<field>": "12.50"} (a JSON number is read the same
// way) and answers 400 for a body that is not that object or 422 for an
// amount ParseMoney refuses; false when it answered.
func readAmount(w http.ResponseWriter, r *http.Request, field, example string) (rating.Money, bool) {
	var body map[string]json.RawMessage
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	err := dec.Decode(&body)
	raw, found := body[field]
	if err != nil || !found || len(body) != 1 {
		writeErr(w, 400, fmt.Errorf("invalid JSON: want {%q: %q}: %v", field, example, err))
		return 0, false
	}
	text := string(raw)
	if s, err := strconv.Unquote(text); err == nil {
		text = s
	}
	m, err := rating.ParseMoney(text)
	if err != nil {
		writeErr(w, http.StatusUnprocessableEntity, err)
		return 0, false
	}
	return m, true
}
