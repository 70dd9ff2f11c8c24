package bgp

import "time"

// The timers of a BIRD speaker configured by Calico. Each figure says where
// it comes from.
const (
	// connectDelay: Calico's bird.cfg.template, bgp_template,
	// "connect delay time 2": seconds between protocol start and the first
	// connection attempt.
	connectDelay = 2 * time.Second
	// connectRetry: the same template, "connect retry time 5": seconds
	// between connection attempts while a peer does not answer.
	connectRetry = 5 * time.Second
	// restartTime: the template enables "graceful restart" without a time,
	// so BIRD's default "graceful restart time 120" applies (the 120 s
	// Calico also writes for its mesh peers, GracefulRestart: 120).
	restartTime = 120 * time.Second
	// holdTime and keepaliveTime: BIRD's defaults ("hold time 240",
	// "keepalive time" = hold time / 3); Calico's template sets neither.
	holdTime      = 240 * time.Second
	keepaliveTime = 80 * time.Second
)

// The model's own figures (not BIRD's): how long packets and processing take.
const (
	// startSkew: calico-node pods do not start BIRD at the same instant;
	// each speaker starts up to this much after time 0 (uniform, from the
	// seed), and its first attempts follow 2 s (the connect delay) later.
	startSkew = 50 * time.Millisecond
	// rttBase + [0, rttJitter): a round trip between two speakers over the
	// underlay. TCP takes one to connect (Connect -> OpenSent), the
	// OPEN/KEEPALIVE exchange one more (-> Established).
	rttBase   = 200 * time.Microsecond
	rttJitter = 300 * time.Microsecond
	// updateDelay + [0, updateJitter): from a best-path change to the
	// UPDATE being processed by the members of an update group. Changes made
	// while an UPDATE waits go out in it (BIRD packs pending routes of a
	// channel into one write), so bursts are batched.
	updateDelay  = 2 * time.Millisecond
	updateJitter = 3 * time.Millisecond
	// maxVirtualTime bounds a run that never goes quiet.
	maxVirtualTime = 24 * time.Hour
)
