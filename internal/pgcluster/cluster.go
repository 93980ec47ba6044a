package pgcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cdw-dev/cdw/internal/fsutil"
)

// ErrNoPostgres is returned when no PostgreSQL server binaries can be found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries found (install Debian's postgresql package, or set Options.BinDir)")

// Options configures a private cluster.
type Options struct {
	// Dir holds everything of the cluster: data/, the server log and the
	// connection details. Required.
	Dir string
	// BinDir holds initdb, pg_ctl and postgres; found automatically when empty.
	BinDir string
	// RunAs is the system user the server runs as when the caller is root
	// (default "postgres"). Ignored when not root.
	RunAs string
	// Port to listen on (127.0.0.1); 0 keeps the previous port when it is free
	// and otherwise picks a free one.
	Port int
	// Settings are extra postgresql.conf settings passed at start.
	Settings map[string]string
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

// Cluster is a private PostgreSQL cluster. Start it, use ConnString, Stop it.
type Cluster struct {
	opts     Options
	dataDir  string
	port     int
	user     string
	password string
	runAs    *user.User // nil when not root
	attached bool       // Start found a server already running and reused it
}

// Superuser is the name of the cluster's superuser role.
const Superuser = "cdw"

// New validates opts and returns the cluster; nothing is started yet.
func New(opts Options) (*Cluster, error) {
	if opts.Dir == "" {
		return nil, errors.New("pgcluster: Options.Dir is required")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	opts.Dir = dir
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.BinDir == "" {
		opts.BinDir, err = FindBinDir()
		if err != nil {
			return nil, err
		}
	}
	if opts.RunAs == "" {
		opts.RunAs = "postgres"
	}
	c := &Cluster{opts: opts, dataDir: filepath.Join(dir, "data"), user: Superuser}
	if os.Geteuid() == 0 {
		u, err := user.Lookup(opts.RunAs)
		if err != nil {
			return nil, fmt.Errorf("pgcluster: running as root needs an unprivileged user %q to run PostgreSQL: %w", opts.RunAs, err)
		}
		c.runAs = u
	}
	return c, nil
}

// FindBinDir locates the PostgreSQL server binaries: pg_config --bindir,
// the newest /usr/lib/postgresql/*/bin, then PATH.
func FindBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if hasServer(d) {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if hasServer(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && hasServer(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
	}
	return "", ErrNoPostgres
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func hasServer(dir string) bool {
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if st, err := os.Stat(filepath.Join(dir, b)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// Port returns the port the cluster listens on once started.
func (c *Cluster) Port() int { return c.port }

// DataDir returns the PostgreSQL data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// ConnString returns a libpq URL for database db as the superuser.
func (c *Cluster) ConnString(db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", c.user, c.password, c.port, db)
}

// Start initialises the cluster when it does not exist yet and starts the
// server, waiting until it accepts connections. When a server is already
// running on this directory (another cdw process, or one left by a crash),
// Start attaches to it instead, and Stop leaves it running.
func (c *Cluster) Start(ctx context.Context) error {
	if err := c.prepareDirs(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	pw, err := os.ReadFile(c.passwordFile())
	if err != nil {
		return fmt.Errorf("pgcluster: read password of %s: %w", c.dataDir, err)
	}
	c.password = strings.TrimSpace(string(pw))
	if c.running(ctx) {
		if c.port = c.previousPort(); c.port == 0 {
			return fmt.Errorf("pgcluster: a server runs on %s but its port is unknown", c.dataDir)
		}
		c.attached = true
		c.opts.Logger.Info("attached to the running PostgreSQL server", "dir", c.dataDir, "port", c.port)
		return nil
	}
	c.port = c.opts.Port
	if c.port == 0 {
		c.port = c.previousPort()
	}
	if c.port == 0 || !portFree(c.port) {
		if c.port, err = freePort(); err != nil {
			return err
		}
	}
	args := []string{"-D", c.dataDir, "-l", c.logFile(), "-w", "-t", "120", "-o", c.serverOptions(), "start"}
	if out, err := c.run(ctx, "pg_ctl", args...); err != nil {
		return fmt.Errorf("pgcluster: start PostgreSQL in %s: %w\n%s\n%s", c.dataDir, err, out, tail(c.logFile(), 20))
	}
	_ = fsutil.WriteFileAtomic(filepath.Join(c.opts.Dir, "port"), []byte(strconv.Itoa(c.port)+"\n"), 0o644)
	c.opts.Logger.Info("PostgreSQL started", "dir", c.dataDir, "port", c.port)
	return nil
}

// Stop shuts the server down with a fast shutdown (open transactions are
// rolled back, everything committed is kept) and waits for it to exit.
// Stopping a stopped cluster, or one Start attached to, does nothing.
func (c *Cluster) Stop(ctx context.Context) error {
	if c.attached || !c.running(ctx) {
		return nil
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dataDir, "-m", "fast", "-w", "-t", "120", "stop"); err != nil {
		return fmt.Errorf("pgcluster: stop PostgreSQL in %s: %w\n%s", c.dataDir, err, out)
	}
	c.opts.Logger.Info("PostgreSQL stopped", "dir", c.dataDir)
	return nil
}

func (c *Cluster) running(ctx context.Context) bool {
	if _, err := os.Stat(filepath.Join(c.dataDir, "postmaster.pid")); err != nil {
		return false
	}
	_, err := c.run(ctx, "pg_ctl", "-D", c.dataDir, "status")
	return err == nil
}

func (c *Cluster) serverOptions() string {
	set := map[string]string{
		"port":                    strconv.Itoa(c.port),
		"listen_addresses":        "'127.0.0.1'",
		"unix_socket_directories": "''",
		"wal_level":               "logical",
		"max_wal_senders":         "10",
		"max_replication_slots":   "10",
		"fsync":                   "on",
	}
	for k, v := range c.opts.Settings {
		set[k] = v
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "-c %s=%s ", k, set[k])
	}
	return strings.TrimSpace(b.String())
}

func (c *Cluster) initdb(ctx context.Context) error {
	c.opts.Logger.Info("initialising a private PostgreSQL cluster", "dir", c.dataDir)
	buf := make([]byte, 18)
	if _, err := rand.Read(buf); err != nil {
		return fmt.Errorf("pgcluster: generate password: %w", err)
	}
	password := hex.EncodeToString(buf)
	if err := fsutil.WriteFileAtomic(c.passwordFile(), []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	// initdb reads the password from a file its own user can read.
	pwfile := filepath.Join(c.opts.Dir, "initdb.pw")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	defer os.Remove(pwfile)
	if err := c.chown(pwfile); err != nil {
		return err
	}
	out, err := c.run(ctx, "initdb", "-D", c.dataDir, "-U", c.user, "--pwfile", pwfile,
		"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
	if err != nil {
		os.RemoveAll(c.dataDir)
		return fmt.Errorf("pgcluster: initdb %s: %w\n%s", c.dataDir, err, out)
	}
	return nil
}

func (c *Cluster) passwordFile() string { return filepath.Join(c.opts.Dir, "password") }
func (c *Cluster) logFile() string      { return filepath.Join(c.opts.Dir, "server.log") }

func (c *Cluster) previousPort() int {
	b, err := os.ReadFile(filepath.Join(c.opts.Dir, "port"))
	if err != nil {
		return 0
	}
	p, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return p
}

// prepareDirs creates the cluster directory and, as root, hands it to the
// server's user after checking that user can reach it.
func (c *Cluster) prepareDirs() error {
	if err := os.MkdirAll(c.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("pgcluster: create %s: %w", c.opts.Dir, err)
	}
	if c.runAs == nil {
		return nil
	}
	if err := checkTraversable(c.opts.Dir); err != nil {
		return err
	}
	if err := c.chown(c.opts.Dir); err != nil {
		return err
	}
	if _, err := os.Stat(c.dataDir); err == nil {
		return c.chown(c.dataDir)
	}
	return nil
}

// checkTraversable reports the first parent of dir that others cannot enter:
// the server's user must be able to reach its data directory.
func checkTraversable(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("pgcluster: PostgreSQL runs as an unprivileged user and cannot reach %s: its parent %s has mode %v (make it traversable with chmod o+x %s, or use a data directory elsewhere)", dir, p, st.Mode().Perm(), p)
		}
		if p == "/" || p == filepath.Dir(p) {
			return nil
		}
	}
}

func (c *Cluster) chown(path string) error {
	if c.runAs == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.runAs.Uid)
	gid, _ := strconv.Atoi(c.runAs.Gid)
	if err := os.Lchown(path, uid, gid); err != nil {
		return fmt.Errorf("pgcluster: hand %s to %s: %w", path, c.runAs.Username, err)
	}
	return nil
}

// run executes a PostgreSQL binary, as the server's user when root.
func (c *Cluster) run(ctx context.Context, bin string, args ...string) (string, error) {
	path := filepath.Join(c.opts.BinDir, bin)
	var cmd *exec.Cmd
	if c.runAs != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.runAs.Username, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = c.opts.Dir
	// The server must outlive a Ctrl-C delivered to cdw's process group, so
	// that cdw can stop it cleanly itself.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgcluster: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// WaitReady is a helper for callers that connect right after Start on a busy
// machine: it retries dial until the port accepts or ctx ends.
func (c *Cluster) WaitReady(ctx context.Context) error {
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", c.port), time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
