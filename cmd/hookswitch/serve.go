package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pion/stun/v4"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/media/tone"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/sip/digest"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
	"github.com/hookswitch/hookswitch/web"
	adminui "github.com/hookswitch/hookswitch/web/admin"
	"github.com/hookswitch/hookswitch/web/logring"
	"github.com/hookswitch/hookswitch/web/phone"
	"github.com/hookswitch/hookswitch/web/wcp"
)

const socketName = "hookswitch.sock"

type serveFlags struct {
	data, udp, tcp, tlsAddr, cert, key, advertise, realm string
	rtpPorts, rtpIP, httpAddr, scripts, logLevel, digest string
	plugins                                              string
	ws, wss, https, webrtc, c2cExt, c2cAllow             string
	webrtcPublic, stun                                   string
	tones, oneTouch                                      string
	mohShuffle, httpsUI                                  bool
	httpAllow, pprofAddr                                 string
	rtpTimeout, holdTimeout, drain                       time.Duration
	maxContacts                                          int
	sipTrace, sipTraceMB                                 int           // --sip-trace: calls kept (0: off), MiB
	backupEvery                                          time.Duration // scheduled backups (0: off)
	backupDir                                            string
	backupKeep                                           int
}

// parseServeFlags reads serve's flags (environment variables give the
// defaults).
func parseServeFlags(args []string, stderr io.Writer) (serveFlags, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	fs.StringVar(&f.data, "data", env("HOOKSWITCH_DATA", "./data"), "data directory (env HOOKSWITCH_DATA)")
	fs.StringVar(&f.udp, "sip-udp", env("HOOKSWITCH_SIP_UDP", ":5060"), "SIP UDP listen address, empty to disable (env HOOKSWITCH_SIP_UDP)")
	fs.StringVar(&f.tcp, "sip-tcp", env("HOOKSWITCH_SIP_TCP", ":5060"), "SIP TCP listen address, empty to disable (env HOOKSWITCH_SIP_TCP)")
	fs.StringVar(&f.tlsAddr, "sip-tls", env("HOOKSWITCH_SIP_TLS", ":5061"), "SIP TLS listen address, used when a certificate exists (env HOOKSWITCH_SIP_TLS)")
	fs.StringVar(&f.ws, "sip-ws", env("HOOKSWITCH_SIP_WS", ""), "SIP over WebSocket (ws://) listen address, for a TLS proxy in front; empty disables (env HOOKSWITCH_SIP_WS)")
	fs.StringVar(&f.c2cExt, "c2c-ext", env("HOOKSWITCH_C2C_EXT", ""), "extension that web click-to-call guests call as; empty disables guest calls (env HOOKSWITCH_C2C_EXT)")
	fs.StringVar(&f.c2cAllow, "c2c-allow", env("HOOKSWITCH_C2C_ALLOW", ""), "comma-separated numbers click-to-call guests may call (env HOOKSWITCH_C2C_ALLOW)")
	fs.StringVar(&f.webrtc, "webrtc", env("HOOKSWITCH_WEBRTC", ""), "UDP address of the WebRTC media gateway's shared ICE port for browsers, e.g. :10443; empty disables (env HOOKSWITCH_WEBRTC)")
	fs.StringVar(&f.webrtcPublic, "webrtc-public-ip", env("HOOKSWITCH_WEBRTC_PUBLIC_IP", ""), "comma-separated public IPs the WebRTC gateway puts in its ICE candidates, behind a 1:1 NAT (default: --advertise) (env HOOKSWITCH_WEBRTC_PUBLIC_IP)")
	fs.StringVar(&f.stun, "stun", env("HOOKSWITCH_STUN", ""), "comma-separated STUN servers (stun:host[:port] or stuns:) handed to browser pages as ICE servers (env HOOKSWITCH_STUN)")
	fs.StringVar(&f.wss, "sip-wss", env("HOOKSWITCH_SIP_WSS", ""), "SIP over secure WebSocket (wss://) listen address, with the TLS certificate; empty disables (env HOOKSWITCH_SIP_WSS)")
	fs.StringVar(&f.https, "https", env("HOOKSWITCH_HTTPS", ""), "HTTPS listen address, with the TLS certificate: SIP over WSS on /ws for browsers; empty disables (env HOOKSWITCH_HTTPS)")
	fs.StringVar(&f.cert, "tls-cert", env("HOOKSWITCH_TLS_CERT", ""), "TLS certificate PEM (default DATA/tls/cert.pem if present)")
	fs.StringVar(&f.key, "tls-key", env("HOOKSWITCH_TLS_KEY", ""), "TLS key PEM (default DATA/tls/key.pem if present)")
	fs.StringVar(&f.advertise, "advertise", env("HOOKSWITCH_ADVERTISE", ""), "address put in SIP headers and SDP (default: the outbound interface's)")
	fs.StringVar(&f.realm, "realm", env("HOOKSWITCH_REALM", "hookswitch"), "digest authentication realm")
	fs.StringVar(&f.digest, "digest", env("HOOKSWITCH_DIGEST", "md5"), "digest challenges offered, in order: md5, sha-256 or both (sha-256,md5)")
	fs.StringVar(&f.rtpPorts, "rtp-ports", env("HOOKSWITCH_RTP_PORTS", "10000-20000"), "RTP port range")
	fs.StringVar(&f.rtpIP, "rtp-ip", env("HOOKSWITCH_RTP_IP", ""), "address RTP sockets bind to (default all)")
	fs.DurationVar(&f.rtpTimeout, "rtp-timeout", 30*time.Second, "end a call after this long without RTP")
	fs.DurationVar(&f.holdTimeout, "rtp-hold-timeout", 600*time.Second, "the same while on hold")
	fs.StringVar(&f.httpAddr, "http", env("HOOKSWITCH_HTTP", "127.0.0.1:8080"), "admin API listen address, empty to disable")
	fs.StringVar(&f.scripts, "scripts", env("HOOKSWITCH_SCRIPTS", ""), "scripts directory, watched and hot-reloaded (default DATA/scripts, created from the built-in set); 'embedded' uses the built-in set read-only")
	fs.StringVar(&f.plugins, "plugins", env("HOOKSWITCH_PLUGINS", ""), "Wasm plugins directory, watched and hot-reloaded (default DATA/plugins, created from the built-in set); 'embedded' uses the built-in set read-only")
	fs.StringVar(&f.httpAllow, "script-http-allow", env("HOOKSWITCH_SCRIPT_HTTP_ALLOW", ""), "comma-separated hosts (host or host:port) scripts may call with the http module")
	fs.StringVar(&f.pprofAddr, "pprof", env("HOOKSWITCH_PPROF", ""), "serve Go profiling (net/http/pprof) on this address, e.g. 127.0.0.1:6060; keep it on loopback")
	fs.StringVar(&f.logLevel, "log-level", env("HOOKSWITCH_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.DurationVar(&f.drain, "drain-timeout", 5*time.Minute, "how long SIGTERM waits for calls to end")
	fs.IntVar(&f.maxContacts, "max-contacts", 2, "default contacts per extension")
	fs.IntVar(&f.sipTrace, "sip-trace", sip.DefaultTraceCalls, "keep the SIP messages of this many recent calls in memory for the API's call traces (0 disables)")
	fs.IntVar(&f.sipTraceMB, "sip-trace-mb", sip.DefaultTraceBytes>>20, "memory bound of the SIP call traces, in MiB")
	fs.DurationVar(&f.backupEvery, "backup-every", 0, "write a backup this often, e.g. 24h (0: no scheduled backups)")
	fs.StringVar(&f.backupDir, "backup-dir", env("HOOKSWITCH_BACKUP_DIR", ""), "where scheduled backups go (default DATA/backups) (env HOOKSWITCH_BACKUP_DIR)")
	fs.IntVar(&f.backupKeep, "backup-keep", web.DefaultBackupKeep, "how many scheduled backups are kept")
	fs.StringVar(&f.tones, "tones", env("HOOKSWITCH_TONES", "us"), "country whose tone plan callers hear (ringback, busy, beep): us, gb, de, fr, ...")
	fs.BoolVar(&f.mohShuffle, "moh-shuffle", false, "play music on hold shuffled (default: in turn)")
	fs.BoolVar(&f.httpsUI, "https-ui", env("HOOKSWITCH_HTTPS_UI", "true") != "false", "serve the admin UI, the user portal and the REST API on --https too, at /admin/ and /api/ (env HOOKSWITCH_HTTPS_UI)")
	fs.StringVar(&f.oneTouch, "one-touch-record", "*1", "code that starts and stops recording a call ('none' disables)")
	_, err := parse(fs, args)
	return f, err
}

func serve(args []string, stderr io.Writer) error {
	f, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		// Signalling allocates many short-lived objects: halving GC cycles
		// costs little memory (a few MB per thousand calls) and buys CPU.
		debug.SetGCPercent(200)
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	// The API's log view reads the recent records from memory (web/logring).
	logs := logring.New(0, 0)
	log := slog.New(logring.NewHandler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}), logs))
	cfg, err := f.config(log)
	if err != nil {
		return err
	}

	if cfg.ScriptsDir, err = scriptsDir(f.scripts, f.data, log); err != nil {
		return err
	}
	if cfg.PluginsDir, err = pluginsDir(f.plugins, f.data, log); err != nil {
		return err
	}
	cfg.PluginCacheDir = filepath.Join(f.data, "cache", "wasm")
	st, err := store.Open(f.data, store.Options{Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	admin, err := ensureAdmin(st, stderr)
	if err != nil {
		return err
	}
	var httpsL net.Listener
	if f.https != "" {
		// Bound first: the SIP stack advertises its port for WSS.
		if httpsL, err = net.Listen("tcp", f.https); err != nil {
			return fmt.Errorf("--https: %w", err)
		}
		cfg.SIPWSSHandoff = sip.NewWSHandoff(httpsL.Addr())
	}
	// Web-call-protocol sessions register over loopback UDP; their media
	// goes through the WebRTC gateway.
	var webUA *wcp.BrowserUA
	if f.https != "" && f.webrtc != "" && f.udp != "" {
		webUA = &wcp.BrowserUA{}
		cfg.Call.Browser = webUA.Owns
	}
	srv, err := server.New(cfg, st)
	srvClose := func() error { return srv.Close() }
	if err != nil {
		if httpsL != nil {
			httpsL.Close()
		}
		return err
	}
	closeHTTPS := func() {
		if httpsL != nil {
			httpsL.Close()
		}
	}
	if f.pprofAddr != "" {
		if err := servePprof(f.pprofAddr, log); err != nil {
			closeHTTPS()
			srv.Close()
			return err
		}
	}
	phoneURL := "" // the portal's link to the web phone: the HTTPS port on the host the browser used
	if webUA != nil {
		if a, ok := httpsL.Addr().(*net.TCPAddr); ok {
			phoneURL = ":" + strconv.Itoa(a.Port)
		}
	}
	stopHTTP, ui, err := serveAPI(f, st, srv, admin, phoneURL, log, logs)
	if err != nil {
		closeHTTPS()
		srv.Close()
		return err
	}
	defer stopHTTP()

	if httpsL != nil {
		var guest *wcp.Guest
		if f.c2cExt != "" {
			guest = &wcp.Guest{Extension: f.c2cExt, Allow: splitList(f.c2cAllow)}
		}
		if !f.httpsUI {
			ui = nil
		}
		stop, err := serveHTTPS(httpsL, cfg.TLSConfig, cfg.SIPWSSHandoff, srv, webUA, guest, ui, log)
		if err != nil {
			srv.Close()
			return err
		}
		defer func() { stop() }() // a no-op once the end below ran it
		closeSrv := srv.Close
		srvClose = func() error { stop(); return closeSrv() } // sessions end while the switch still answers
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	sig := <-sigs
	if sig == syscall.SIGTERM {
		log.Info("draining: no new calls; waiting for calls to end", "active", srv.Calls.Active(), "timeout", f.drain)
		ctx, cancel := context.WithTimeout(context.Background(), f.drain)
		go func() { // a second signal cuts the drain short
			select {
			case <-sigs:
				cancel()
			case <-ctx.Done():
			}
		}()
		if err := srv.Drain(ctx); err != nil {
			log.Warn("drain ended with calls still up; hung them up")
		}
		cancel()
	}
	log.Info("stopping", "signal", sig.String())
	return srvClose()
}

func (f *serveFlags) config(log *slog.Logger) (server.Config, error) {
	cfg := server.Config{SIPUDP: f.udp, SIPTCP: f.tcp, SIPWS: f.ws, SIPWSS: f.wss, WebRTC: f.webrtc, Advertise: f.advertise, Realm: f.realm,
		RTPTimeout: f.rtpTimeout, RTPHoldTimeout: f.holdTimeout, Logger: log, DataDir: f.data}
	cfg.Registrar.DefaultMaxContacts = f.maxContacts
	if f.sipTrace > 0 {
		cfg.SIPTrace = sip.NewTracer(f.sipTrace, max(f.sipTraceMB, 1)<<20)
	}
	if f.tones == "" {
		f.tones = "us"
	}
	if _, err := tone.Lookup(f.tones, tone.Ringback); err != nil {
		return cfg, fmt.Errorf("--tones: %w", err)
	}
	cfg.Call.ToneCountry, cfg.Call.MusicShuffle, cfg.Call.OneTouchRecord = f.tones, f.mohShuffle, f.oneTouch
	for _, h := range strings.Split(f.httpAllow, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.ScriptHTTPAllow = append(cfg.ScriptHTTPAllow, h)
		}
	}
	if f.maxContacts < 1 || f.maxContacts > 5 {
		return cfg, errors.New("--max-contacts must be from 1 to 5")
	}
	for _, a := range strings.Split(f.digest, ",") {
		alg := digest.ParseAlgorithm(strings.TrimSpace(a))
		if alg != digest.MD5 && alg != digest.SHA256 {
			return cfg, fmt.Errorf("--digest %q: want md5, sha-256 or a list of both", f.digest)
		}
		cfg.DigestAlgorithms = append(cfg.DigestAlgorithms, alg)
	}
	lo, hi, ok := strings.Cut(f.rtpPorts, "-")
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if !ok || err1 != nil || err2 != nil {
		return cfg, fmt.Errorf("--rtp-ports %q: want MIN-MAX, e.g. 10000-20000", f.rtpPorts)
	}
	cfg.RTPMin, cfg.RTPMax = a, b
	if f.rtpIP != "" {
		ip, err := netip.ParseAddr(f.rtpIP)
		if err != nil {
			return cfg, fmt.Errorf("--rtp-ip: %w", err)
		}
		cfg.RTPIP = ip
	}
	var err error
	if cfg.WebRTCPublicIPs, err = publicIPs(f.webrtcPublic); err != nil {
		return cfg, err
	}
	if cfg.STUNServers, err = stunServers(f.stun); err != nil {
		return cfg, err
	}
	if cfg.Advertise == "" {
		cfg.Advertise = outboundIP()
	} else if _, err := netip.ParseAddr(cfg.Advertise); err != nil {
		return cfg, fmt.Errorf("--advertise %q: an IP address is needed (it goes into SDP): %w", cfg.Advertise, err)
	}
	cert, key := f.cert, f.key
	if cert == "" && key == "" {
		c, k := filepath.Join(f.data, "tls", "cert.pem"), filepath.Join(f.data, "tls", "key.pem")
		if fileExists(c) && fileExists(k) {
			cert, key = c, k
		}
	}
	if cert != "" && (f.tlsAddr != "" || f.wss != "" || f.https != "") {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return cfg, fmt.Errorf("tls certificate: %w", err)
		}
		cfg.SIPTLS = f.tlsAddr
		cfg.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	if cfg.TLSConfig == nil && (f.wss != "" || f.https != "") {
		return cfg, errors.New("--sip-wss and --https need a TLS certificate: --tls-cert and --tls-key, or DATA/tls/ (hookswitch cert generate)")
	}
	return cfg, nil
}

// maxListItems bounds --webrtc-public-ip and --stun: a handful is all a
// browser's ICE agent uses.
const maxListItems = 16

// publicIPs checks --webrtc-public-ip: unicast IP addresses, as the
// gateway puts them into ICE candidates.
func publicIPs(list string) ([]string, error) {
	ips := splitList(list)
	if len(ips) > maxListItems {
		return nil, fmt.Errorf("--webrtc-public-ip: %d addresses, at most %d", len(ips), maxListItems)
	}
	for i, s := range ips {
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" || !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() {
			return nil, fmt.Errorf("--webrtc-public-ip %q: %q is not a unicast IP address", list, s)
		}
		ips[i] = ip.Unmap().String()
	}
	return ips, nil
}

// stunServers checks --stun: stun: or stuns: URIs (RFC 7064), which pages
// put into RTCConfiguration.iceServers as they are.
func stunServers(list string) ([]string, error) {
	urls := splitList(list)
	if len(urls) > maxListItems {
		return nil, fmt.Errorf("--stun: %d servers, at most %d", len(urls), maxListItems)
	}
	for _, s := range urls {
		u, err := stun.ParseURI(s)
		if err == nil && (u.Scheme != stun.SchemeTypeSTUN && u.Scheme != stun.SchemeTypeSTUNS) {
			err = errors.New("not a stun: or stuns: URI")
		}
		if err == nil && (strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) || u.Port < 1 || u.Port > 65535) {
			err = errors.New("blanks or a bad port")
		}
		if err != nil {
			return nil, fmt.Errorf("--stun %q: want stun:host[:port] or stuns:host[:port]: %w", s, err)
		}
	}
	return urls, nil
}

// outboundIP is the address of the interface that routes outward, found
// without sending anything (a UDP "connect" only picks a route). Falls back
// to loopback on a machine with no route.
func outboundIP() string {
	c, err := net.Dial("udp4", "192.0.2.1:9") // TEST-NET-1: never contacted
	if err != nil {
		return "127.0.0.1"
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP.String()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// live adapts the server for the API. data and plugins locate the files
// a backup holds (backup.go); the script editor's ScriptsDir is there too.
type live struct {
	s             *server.Server
	data, plugins string
}

func (l live) ScriptsDir() string { return l.s.Hooks.Dir() }

func (l live) Bindings() []store.Binding      { return l.s.Registrar.All() }
func (l live) ActiveCalls() int               { return l.s.Calls.Active() }
func (l live) Forget(aor string)              { l.s.Registrar.Remove(aor) }
func (l live) ReloadScripts() (uint64, error) { return l.s.Hooks.Reload() }
func (l live) ScriptGeneration() uint64       { return l.s.Hooks.Generation() }
func (l live) WriteMetrics(w io.Writer)       { l.s.Hooks.Metrics().WritePrometheus(w) }
func (l live) AddPlugin(name string, bin []byte) (uint64, error) {
	return l.s.AddPlugin(name, bin)
}
func (l live) Plugins() ([]plugins.Info, error) { return l.s.Plugins() }
func (l live) Calls() []call.CallInfo           { return l.s.Calls.Snapshot() }
func (l live) Hangup(callID string) bool        { return l.s.Calls.Hangup(callID) }

// serveAPI serves the admin API on the control socket (always) and, with
// the admin UI, on --http (admin credential required). It returns that UI
// handler too, for the HTTPS port: one handler, so one set of sessions.
func serveAPI(f serveFlags, st *store.Store, srv *server.Server, admin *adminCredential, phoneURL string, log *slog.Logger, logs *logring.Ring) (func(), http.Handler, error) {
	sock := filepath.Join(f.data, socketName)
	os.Remove(sock) // a stale socket from a crash; the store lock proves no one else runs
	ul, err := net.Listen("unix", sock)
	if err != nil {
		return nil, nil, fmt.Errorf("control socket: %w", err)
	}
	os.Chmod(sock, 0o600)
	l := live{s: srv, data: f.data, plugins: f.pluginsPath()}
	sched, stopSched := f.backupSchedule(l, log) // cmd/hookswitch/backupsched.go
	regs, stopRegs := startRegSampler(l)         // cmd/hookswitch/stats.go
	stopBG := func() { stopSched(); stopRegs() }
	api := func(check func(user, password string) bool) *web.API {
		return &web.API{B: st, L: l, VM: srv.Voicemail, Rec: srv.Recordings, Rooms: srv.Rooms, TrunkCtl: trunkCtl{srv},
			Queues: srv.Queues, Auth: check, PhoneURL: phoneURL, Logs: logs, Schedule: sched, Regs: regs, Diag: srv.Stack,
			PromptsDir: filepath.Join(f.data, "prompts")}
	}
	// The admin web UI at /admin/, next to the API it calls.
	ui, err := adminui.With(api(admin.check).Handler())
	if err != nil {
		stopBG()
		ul.Close()
		return nil, nil, err
	}
	servers := []*http.Server{{Handler: api(nil).Handler(), ReadHeaderTimeout: 10 * time.Second}}
	listeners := []net.Listener{ul}
	if f.httpAddr != "" {
		tl, err := net.Listen("tcp", f.httpAddr)
		if err != nil {
			stopBG()
			ul.Close()
			return nil, nil, fmt.Errorf("admin api: %w", err)
		}
		servers = append(servers, &http.Server{Handler: ui, ReadHeaderTimeout: 10 * time.Second})
		listeners = append(listeners, tl)
		log.Info("admin api", "addr", tl.Addr().String(), "ui", "http://"+tl.Addr().String()+adminui.Prefix)
	}
	for i := range servers {
		go servers[i].Serve(listeners[i])
	}
	return func() {
		stopBG()
		for _, s := range servers {
			s.Close()
		}
		os.Remove(sock)
	}, ui, nil
}

// serveHTTPS serves the HTTPS port: SIP over WSS on /ws, so browsers reach
// the switch through the port their page comes from (the web phone's pages
// will be served here too). It returns the function that stops it.
func serveHTTPS(l net.Listener, conf *tls.Config, ho *sip.WSHandoff, srv *server.Server, webUA *wcp.BrowserUA, guest *wcp.Guest, ui http.Handler, log *slog.Logger) (func(), error) {
	mux := http.NewServeMux()
	mux.Handle("/ws", web.SIPWebSocket{Handoff: ho, Logger: log})
	if ui != nil { // --https-ui: the admin UI, the user portal and the API
		mux.Handle(adminui.Prefix, ui)
		mux.Handle(strings.TrimSuffix(adminui.Prefix, "/"), ui)
		mux.Handle("/api/", ui)
	}
	var calls *wcp.Server
	if webUA != nil { // the web-call-protocol, for pages without a SIP stack
		stack, err := webUA.Start(srv.Stack.Addr("udp"), log)
		if err != nil {
			return nil, err
		}
		if calls, err = wcp.New(wcp.Config{UA: stack, Extensions: srv.Store, Guest: guest, Logger: log}); err != nil {
			webUA.Close()
			return nil, err
		}
		mux.Handle("/wcp", calls)
	}
	if calls != nil { // the built-in web phone, and the click-to-call widget
		var ice []phone.ICEServer
		for _, u := range srv.WebRTC.ICEServers() {
			ice = append(ice, phone.ICEServer{URLs: []string{u}})
		}
		ph, err := phone.New(phone.Config{ICEServers: ice})
		if err != nil {
			calls.Close()
			webUA.Close()
			return nil, err
		}
		mux.Handle("/phone/", http.StripPrefix("/phone", ph))
		mux.Handle("/{$}", http.RedirectHandler("/phone/", http.StatusFound))
	} else if ui != nil {
		mux.Handle("/{$}", http.RedirectHandler(adminui.Prefix, http.StatusFound))
	}
	// Browsers ask every site for an icon: an empty answer, not a 404 in
	// each page's console.
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.Handle("/", http.NotFoundHandler())
	hs := &http.Server{Handler: mux, TLSConfig: conf.Clone(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)} // TLS handshake noise from scanners
	go hs.ServeTLS(l, "", "")
	log.Info("https", "addr", l.Addr().String(), "sip-wss", "/ws", "wcp", calls != nil, "phone", calls != nil, "ui", ui != nil)
	var once sync.Once
	return func() {
		once.Do(func() {
			hs.Close()
			if calls != nil {
				calls.Close()
				webUA.Close()
			}
		})
	}, nil
}

// servePprof exposes the Go profiler for `go tool pprof` (load tests, hot
// spots); it runs until the process ends.
func servePprof(addr string, log *slog.Logger) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	log.Info("pprof", "addr", l.Addr().String())
	go (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(l)
	return nil
}

// trunkCtl gives the API the running trunks.
type trunkCtl struct{ s *server.Server }

func (t trunkCtl) Status() []trunk.Report { return t.s.Trunks.Status() }
func (t trunkCtl) SyncTrunks() error      { return t.s.SyncTrunks() }
