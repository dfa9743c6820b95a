package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

// userCmd manages the admin UI's and portal's users (SPEC A1-A4):
//
//	hookswitch user list
//	hookswitch user add NAME --role ROLE [--tenant T] [--ext N] [--password P]
//	hookswitch user set NAME [--role ROLE] [--tenant T] [--ext N] [--disabled=true|false]
//	hookswitch user passwd NAME [--password P]
//	hookswitch user delete NAME
//
// Without --password, add and passwd generate one and print it once.
func userCmd(args []string, stdout io.Writer) error {
	const want = "want list, add, set, passwd or delete"
	if len(args) == 0 {
		return errors.New("user: " + want)
	}
	sub := args[0]
	switch sub {
	case "list", "add", "set", "passwd", "delete":
	default:
		return fmt.Errorf("user: unknown subcommand %q: %s", sub, want)
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var in auth.UserInput
	fs.StringVar(&in.Role, "role", "", "admin, tenant_admin, operator, supervisor or user")
	fs.StringVar(&in.Tenant, "tenant", "", "the tenant a tenant_admin manages (optional for operator and supervisor)")
	fs.StringVar(&in.Ext, "ext", "", "the extension a user of role user belongs to")
	fs.StringVar(&in.Password, "password", "", "the password (default: a generated one, printed once)")
	fs.BoolVar(&in.Disabled, "disabled", false, "refuse the user's logins and tokens")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "list" && len(pos) != 1 {
		return fmt.Errorf("user %s: want one NAME", sub)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if sub == "list" {
		list, err := listUsers(b)
		if err != nil {
			return err
		}
		return printUsers(stdout, list)
	}
	in.Name = pos[0]
	generated := ""
	if (sub == "add" || sub == "passwd") && in.Password == "" {
		for generated == "" || auth.CheckStrength(in.Name, generated) != nil {
			generated = store.GeneratePassword()
		}
		in.Password = generated
	}
	switch sub {
	case "add":
		err = addUser(b, in)
	case "delete":
		err = delUser(b, in.Name)
	case "set", "passwd":
		err = changeUser(b, in, set, sub == "passwd")
	}
	if err != nil {
		return fmt.Errorf("user %s %s: %w", sub, in.Name, err)
	}
	fmt.Fprintf(stdout, "user %s %s\n", in.Name, map[string]string{"add": "added", "delete": "deleted", "set": "saved", "passwd": "has a new password"}[sub])
	if generated != "" {
		fmt.Fprintf(stdout, "  password: %s\n  (shown only this once)\n", generated)
	}
	return nil
}

func listUsers(b *backend) ([]auth.UserView, error) {
	var out []auth.UserView
	if b.st != nil {
		list, err := b.st.ListUsers()
		for _, u := range list {
			out = append(out, auth.ViewUser(u))
		}
		return out, err
	}
	err := b.call("GET", "/api/v1/users", nil, &out)
	return out, err
}

func addUser(b *backend, in auth.UserInput) error {
	if b.st != nil {
		u, err := auth.New(auth.Config{}).NewUser(in)
		if err != nil {
			return err
		}
		return b.st.CreateUser(u)
	}
	return b.call("POST", "/api/v1/users", in, nil)
}

func delUser(b *backend, name string) error {
	if b.st != nil {
		return b.st.DeleteUser(name)
	}
	return b.call("DELETE", "/api/v1/users/"+url.PathEscape(name), nil, nil)
}

// changeUser changes the flags given (set) or the password (passwd). A
// running switch ends the user's sessions; a stopped one has none.
func changeUser(b *backend, in auth.UserInput, set map[string]bool, passwd bool) error {
	if passwd {
		if err := auth.CheckStrength(in.Name, in.Password); err != nil {
			return err
		}
	}
	if b.st != nil {
		var h store.PasswordHash
		if passwd {
			var err error
			if h, err = auth.HashPassword(in.Password); err != nil {
				return err
			}
		}
		_, err := b.st.UpdateUser(in.Name, func(u *store.User) error {
			if passwd {
				u.Password = h
				return nil
			}
			mergeUser(u, in, set)
			return nil
		})
		return err
	}
	var cur auth.UserView
	if err := b.call("GET", "/api/v1/users/"+url.PathEscape(in.Name), nil, &cur); err != nil {
		return err
	}
	u := store.User{Role: cur.Role, Tenant: cur.Tenant, Ext: cur.Ext, Disabled: cur.Disabled}
	out := auth.UserInput{Name: in.Name}
	if passwd {
		out.Password = in.Password
	} else {
		mergeUser(&u, in, set)
	}
	out.Role, out.Tenant, out.Ext, out.Disabled = u.Role, u.Tenant, u.Ext, u.Disabled
	return b.call("PUT", "/api/v1/users/"+url.PathEscape(in.Name), out, nil)
}

// mergeUser applies the flags given.
func mergeUser(u *store.User, in auth.UserInput, set map[string]bool) {
	if set["role"] {
		u.Role = in.Role
	}
	if set["tenant"] {
		u.Tenant = in.Tenant
	}
	if set["ext"] {
		u.Ext = in.Ext
	}
	if set["disabled"] {
		u.Disabled = in.Disabled
	}
}

func printUsers(w io.Writer, list []auth.UserView) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tTENANT\tEXT\tSTATE")
	for _, u := range list {
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, orDash(u.Tenant), orDash(u.Ext), state)
	}
	return tw.Flush()
}

// tokenCmd manages API tokens for automation:
//
//	hookswitch token list
//	hookswitch token add NAME [--role ROLE] [--expires DURATION]
//	hookswitch token delete ID
//
// add prints the token once; only its hash is kept. Tokens made here
// belong to the control socket (user "socket"), which counts as admin.
func tokenCmd(args []string, stdout io.Writer) error {
	const want = "want list, add or delete"
	if len(args) == 0 {
		return errors.New("token: " + want)
	}
	sub := args[0]
	switch sub {
	case "list", "add", "delete":
	default:
		return fmt.Errorf("token: unknown subcommand %q: %s", sub, want)
	}
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	role := fs.String("role", auth.RoleAdmin, "admin, tenant_admin, operator or supervisor")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h (default: never expires)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "list" && len(pos) != 1 {
		return fmt.Errorf("token %s: want one %s", sub, map[bool]string{true: "ID", false: "NAME"}[sub == "delete"])
	}
	if *expires < 0 {
		return errors.New("token add: --expires must be positive")
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch sub {
	case "list":
		var list []auth.TokenView
		if b.st != nil {
			toks, err := b.st.ListTokens()
			if err != nil {
				return err
			}
			for _, t := range toks {
				list = append(list, auth.ViewToken(t))
			}
		} else if err := b.call("GET", "/api/v1/auth/tokens", nil, &list); err != nil {
			return err
		}
		return printTokens(stdout, list)
	case "delete":
		if b.st != nil {
			err = b.st.DeleteToken(pos[0])
		} else {
			err = b.call("DELETE", "/api/v1/auth/tokens/"+url.PathEscape(pos[0]), nil, nil)
		}
		if err != nil {
			return fmt.Errorf("token delete %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "token %s deleted\n", pos[0])
		return nil
	}
	var exp time.Time
	if *expires > 0 {
		exp = time.Now().Add(*expires)
	}
	var v auth.TokenView
	if b.st != nil {
		if *role == auth.RoleTenantAdmin {
			return errors.New("token add: a tenant_admin token is made by a tenant admin (it takes its tenant)")
		}
		t, secret := auth.NewToken(pos[0], *role, "", auth.SocketUser, time.Now(), exp)
		if err := b.st.CreateToken(t); err != nil {
			return fmt.Errorf("token add %s: %w", pos[0], err)
		}
		v = auth.ViewToken(t)
		v.Token = secret
	} else {
		in := map[string]any{"name": pos[0], "role": *role}
		if !exp.IsZero() {
			in["expires_at"] = exp
		}
		if err := b.call("POST", "/api/v1/auth/tokens", in, &v); err != nil {
			return fmt.Errorf("token add %s: %w", pos[0], err)
		}
	}
	fmt.Fprintf(stdout, "token %s (id %s, role %s) created:\n  %s\n  (shown only this once)\n", v.Name, v.ID, v.Role, v.Token)
	return nil
}

func printTokens(w io.Writer, list []auth.TokenView) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED BY\tCREATED\tEXPIRES")
	for _, t := range list {
		exp := "never"
		if !t.ExpiresAt.IsZero() {
			exp = t.ExpiresAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedBy, t.CreatedAt.Local().Format(time.DateTime), exp)
	}
	return tw.Flush()
}
