// A registry that answers the OCI 1.1 referrers API, for the signing suites: CNCF
// distribution 2.8 (Debian's docker-registry, what the other suites use) has none, so
// signatures and attestations stored as referrers need another real implementation.
// This serves go-containerregistry's pkg/registry, with referrers support, on the
// loopback address it is given, and prints the address it listens on (port 0 picks a
// free one) as its first line of output, for the test kit to read.
//
// usage: referrers-registry [-addr 127.0.0.1:0] [-blobs DIR] [-log]
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback host:port to listen on (port 0: a free one)")
	blobs := flag.String("blobs", "", "directory to keep blobs in (default: memory)")
	verbose := flag.Bool("log", false, "log every request on stderr")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fail("-addr %q: %v", *addr, err)
	}
	// A test registry with no authentication: never reachable from another machine.
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		fail("-addr %q: give a loopback address such as 127.0.0.1:0", *addr)
	}
	opts := []registry.Option{registry.WithReferrersSupport(true)}
	if !*verbose {
		opts = append(opts, registry.Logger(log.New(io.Discard, "", 0)))
	}
	if *blobs != "" {
		if err := os.MkdirAll(*blobs, 0o755); err != nil {
			fail("-blobs %q: %v", *blobs, err)
		}
		opts = append(opts, registry.WithBlobHandler(registry.NewDiskBlobHandler(*blobs)))
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fail("listening on %s: %v", *addr, err)
	}
	fmt.Printf("listening on %s\n", listener.Addr())
	if err := http.Serve(listener, registry.New(opts...)); err != nil {
		fail("serving: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "referrers-registry: "+format+"\n", args...)
	os.Exit(2)
}
