package actionurl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// decodeStrict reads one JSON object into v: unknown fields, wrong types,
// trailing data and non-objects are errors that name the field.
func decodeStrict(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty body, want a JSON object", ErrResponse)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: want a JSON object, got %q", ErrResponse, clip(string(trimmed)))
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return explain(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data after the JSON object", ErrResponse)
	}
	return nil
}

// explain rewords encoding/json errors for the author of a web app.
func explain(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("%w: field %q: want %s, got JSON %s", ErrResponse, te.Field, kindOf(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("%w: not JSON: %s (offset %d)", ErrResponse, strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: truncated JSON", ErrResponse)
	}
	return fmt.Errorf("%w: %s", ErrResponse, strings.TrimPrefix(err.Error(), "json: "))
}

func kindOf(k string) string {
	switch k {
	case "int", "int64", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "map", "struct":
		return "an object"
	case "ptr":
		return "a value"
	}
	return k
}
