// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-qgsd: answers Intel's QGS protocol (ABI.md section 8) with DICE
 * quotes from /dev/tdx_quote.  This file: the command line, the config
 * file and logging.  docs/qgsd.md documents all of it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "qgsd.h"
#include "tdx_ext_version.h"

static const char usage_text[] =
"NAME\n"
"    tdx-qgsd - a Quote Generation Service daemon backed by /dev/tdx_quote\n"
"\n"
"SYNOPSIS\n"
"    tdx-qgsd [--foreground] [--config FILE] [OPTION VALUE]...\n"
"    tdx-qgsd --help | --version\n"
"\n"
"DESCRIPTION\n"
"    Speaks Intel's QGS protocol (a 4-byte big-endian length, then a\n"
"    header {major 1, minor 1, type, size, error_code} and a body), as\n"
"    QEMU's quote-generation-socket and libtdx_attest do, and answers\n"
"    GET_QUOTE_REQ with a quote from /dev/tdx_quote; and Intel's raw\n"
"    mode: a bare 1024-byte TDREPORT, no prefix, answered by the bare\n"
"    quote (a failure closes without a byte).  Every other request gets\n"
"    an error reply.  One request per connection.  See docs/qgsd.md.\n"
"\n"
"OPTIONS\n"
"    Each option but the first four is also a config-file key (the same\n"
"    name with '_' for '-'); the command line wins over the file.\n"
"\n"
"    --foreground          stay in the foreground, log to stderr (without\n"
"                          it: detach and log to syslog)\n"
"    --config FILE         config file (default " QGSD_CONF_PATH ";\n"
"                          a missing default file is not an error)\n"
"    --help                this text\n"
"    --version             the version\n"
"    --socket PATH         UNIX socket (default " QGSD_SOCKET_PATH "),\n"
"                          'none' for no UNIX socket\n"
"    --socket-mode MODE    its mode, octal (default 0660)\n"
"    --socket-group GROUP  its group (default: the daemon's)\n"
"    --vsock-port PORT     AF_VSOCK port (default 4050), 0 or 'none' for\n"
"                          none; skipped when vsock is unavailable\n"
"    --vsock-cid CID       the CID to bind (default: any)\n"
"    --vsock-allow CIDS    vsock peers let in (default 3-: guests, not the\n"
"                          host's own CIDs 0-2); CIDS: 'any', 'none' or\n"
"                          a list of N, N-M, N- (\"3-100,200\")\n"
"    --vsock-deny CIDS     vsock peers refused even if allowed (default\n"
"                          none)\n"
"    --device PATH         the quoting device (default /dev/tdx_quote)\n"
"    --workers N           threads making quotes at once (default 16)\n"
"    --max-connections N   connections at once (default 256); more are\n"
"                          answered with an error and closed\n"
"    --max-connections-per-peer N\n"
"                          connections at once from one peer (a vsock\n"
"                          CID, or a UNIX uid) (default 64)\n"
"    --max-queued-per-peer N\n"
"                          one peer's requests with the workers at once\n"
"                          (default 32); more are answered UNEXPECTED\n"
"    --max-message-size N  largest request in bytes (default 65536)\n"
"    --first-byte-timeout T\n"
"                          time from connecting to the first byte\n"
"                          (default 5s); then closed without a reply\n"
"    --read-timeout T      time to receive a whole request (default 30s)\n"
"    --write-timeout T     time to send the reply (default 30s)\n"
"                          T: seconds, or a number with 's' or 'ms'\n"
"    --log-level LEVEL     error, warning, notice, info (default), debug\n"
"    --log-rejects-per-second N\n"
"                          log lines per second for each reason a request\n"
"                          is refused (default 5; 0: all); the rest are\n"
"                          counted and summed up in one line\n"
"\n"
"SIGNALS\n"
"    SIGTERM, SIGINT  stop accepting, finish the connections, exit 0\n"
"    SIGHUP           reload the config file (limits, log level; the\n"
"                     listeners, device and workers need a restart)\n"
"    SIGUSR1          log the counters (also logged at exit)\n"
"\n"
"SYSTEMD\n"
"    Socket activation (LISTEN_FDS): the passed sockets replace the UNIX\n"
"    socket; the vsock port is still opened by the daemon unless a vsock\n"
"    socket was passed.  Units: tdx-qgsd.service, tdx-qgsd.socket.\n"
"\n"
"EXIT STATUS\n"
"    0 after SIGTERM, 1 on a configuration or startup error, 2 on usage.\n";

int qgsd_log_level = LOG_INFO;
static bool log_syslog;
static bool log_journal;

void qlog(int level, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info",
		"debug",
	};
	char line[2048];
	va_list ap;
	int n;

	if (level > qgsd_log_level)
		return;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(level, fmt, ap);
		va_end(ap);
		return;
	}
	/* One write per line: lines of different threads do not mix. */
	if (log_journal)
		n = snprintf(line, sizeof(line), "<%d>", level);
	else
		n = snprintf(line, sizeof(line), "tdx-qgsd: %s: ",
			     names[level & 7]);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to say it */
	}
}

/* ---- configuration ------------------------------------------------------------ */

static const char *conf_path = QGSD_CONF_PATH;
static bool conf_path_given;
/* The command line's settings, applied again over every load of the file. */
static struct { const char *key, *val; } cli[32];
static int n_cli;

static void defaults(struct qgsd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", QGSD_SOCKET_PATH);
	c->socket_mode = 0660;
	c->vsock_port = QGSD_VSOCK_PORT;
	c->vsock_cid = VMADDR_CID_ANY;
	snprintf(c->device, sizeof(c->device), "/dev/tdx_quote");
	c->workers = 16;
	c->max_connections = 256;
	c->max_connections_per_peer = 64;
	c->max_queued_per_peer = 32;
	c->max_message_size = 65536;
	c->first_byte_timeout_ms = 5000;
	c->read_timeout_ms = 30000;
	c->log_rejects_per_second = 5;
	c->vsock_allow.n = 1;		/* guests: 3 and up */
	c->vsock_allow.r[0].lo = 3;
	c->vsock_allow.r[0].hi = UINT32_MAX;
	c->write_timeout_ms = 30000;
	c->log_level = LOG_INFO;
}

static int parse_uint(const char *s, int base, unsigned long max,
		      unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "30", "30s", "500ms": milliseconds, 1 ms .. 1 day. */
static int parse_time(const char *s, unsigned int *ms)
{
	char num[32];
	unsigned long v, mul = 1000;
	size_t n = strlen(s);

	if (n > 2 && !strcmp(s + n - 2, "ms")) {
		mul = 1;
		n -= 2;
	} else if (n > 1 && s[n - 1] == 's') {
		n -= 1;
	}
	if (!n || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = 0;
	if (parse_uint(num, 10, 86400000ul / mul, &v) || !v)
		return -1;
	*ms = (unsigned int)(v * mul);
	return 0;
}

/* "any", "none", or "N", "N-M", "N-" separated by commas. */
static int parse_cids(const char *s, struct qgsd_cids *out)
{
	struct qgsd_cids l = { 0 };
	char buf[512], *tok, *save, *dash;
	unsigned long lo, hi;

	if (!strcmp(s, "none")) {
		*out = l;
		return 0;
	}
	if (!strcmp(s, "any")) {
		l.n = 1;
		l.r[0].hi = UINT32_MAX;
		*out = l;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		dash = strchr(tok, '-');
		if (dash)
			*dash = 0;
		if (l.n >= QGSD_MAX_CID_RANGES ||
		    parse_uint(tok, 10, UINT32_MAX, &lo))
			return -1;
		hi = lo;
		if (dash && dash[1] && parse_uint(dash + 1, 10, UINT32_MAX, &hi))
			return -1;
		if (dash && !dash[1])
			hi = UINT32_MAX;
		if (hi < lo)
			return -1;
		l.r[l.n].lo = (uint32_t)lo;
		l.r[l.n].hi = (uint32_t)hi;
		l.n++;
	}
	if (!l.n)
		return -1;
	*out = l;
	return 0;
}

static bool in_cids(const struct qgsd_cids *l, uint32_t cid)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (cid >= l->r[i].lo && cid <= l->r[i].hi)
			return true;
	return false;
}

bool qgsd_cid_allowed(const struct qgsd_config *c, uint32_t cid)
{
	return in_cids(&c->vsock_allow, cid) && !in_cids(&c->vsock_deny, cid);
}

static int set_key(struct qgsd_config *c, const char *key, const char *val)
{
	static const char *const levels[] = {
		"error", "warning", "notice", "info", "debug",
	};
	unsigned long v;

	if (!strcmp(key, "socket")) {
		if (!strcmp(val, "none"))
			val = "";
		if (strlen(val) >= sizeof(c->socket) || (*val && *val != '/'))
			return -1;
		snprintf(c->socket, sizeof(c->socket), "%s", val);
	} else if (!strcmp(key, "socket_mode")) {
		if (parse_uint(val, 8, 0777, &v))
			return -1;
		c->socket_mode = (unsigned int)v;
	} else if (!strcmp(key, "socket_group")) {
		if (strlen(val) >= sizeof(c->socket_group))
			return -1;
		snprintf(c->socket_group, sizeof(c->socket_group), "%s", val);
	} else if (!strcmp(key, "vsock_port")) {
		if (!strcmp(val, "none"))
			val = "0";
		if (parse_uint(val, 10, UINT32_MAX - 1, &v))
			return -1;
		c->vsock_port = (unsigned int)v;
	} else if (!strcmp(key, "vsock_cid")) {
		if (!strcmp(val, "any"))
			v = VMADDR_CID_ANY;
		else if (parse_uint(val, 10, UINT32_MAX, &v))
			return -1;
		c->vsock_cid = (unsigned int)v;
	} else if (!strcmp(key, "device")) {
		if (!*val || strlen(val) >= sizeof(c->device))
			return -1;
		snprintf(c->device, sizeof(c->device), "%s", val);
	} else if (!strcmp(key, "workers")) {
		if (parse_uint(val, 10, QGSD_MAX_WORKERS, &v) || !v)
			return -1;
		c->workers = (unsigned int)v;
	} else if (!strcmp(key, "max_connections")) {
		if (parse_uint(val, 10, 65536, &v) || !v)
			return -1;
		c->max_connections = (unsigned int)v;
	} else if (!strcmp(key, "max_connections_per_peer")) {
		if (parse_uint(val, 10, 65536, &v) || !v)
			return -1;
		c->max_connections_per_peer = (unsigned int)v;
	} else if (!strcmp(key, "max_queued_per_peer")) {
		if (parse_uint(val, 10, 65536, &v) || !v)
			return -1;
		c->max_queued_per_peer = (unsigned int)v;
	} else if (!strcmp(key, "log_rejects_per_second")) {
		if (parse_uint(val, 10, 1000000, &v))
			return -1;
		c->log_rejects_per_second = (unsigned int)v;
	} else if (!strcmp(key, "vsock_allow")) {
		return parse_cids(val, &c->vsock_allow);
	} else if (!strcmp(key, "vsock_deny")) {
		return parse_cids(val, &c->vsock_deny);
	} else if (!strcmp(key, "first_byte_timeout")) {
		return parse_time(val, &c->first_byte_timeout_ms);
	} else if (!strcmp(key, "max_message_size")) {
		if (parse_uint(val, 10, QGS_MAX_MSG_LIMIT, &v) ||
		    v < QGS_HDR_SIZE)
			return -1;
		c->max_message_size = (uint32_t)v;
	} else if (!strcmp(key, "read_timeout")) {
		return parse_time(val, &c->read_timeout_ms);
	} else if (!strcmp(key, "write_timeout")) {
		return parse_time(val, &c->write_timeout_ms);
	} else if (!strcmp(key, "log_level")) {
		for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
			if (!strcasecmp(val, levels[i])) {
				c->log_level = LOG_ERR + (int)i;
				return 0;
			}
		}
		return -1;
	} else {
		return -2;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* "key = value" lines, '#' comments. */
static int load_file(struct qgsd_config *c)
{
	char line[512], *k, *v, *eq;
	int ln = 0, bad = 0, rc;
	FILE *f = fopen(conf_path, "re");

	if (!f) {
		if (errno == ENOENT && !conf_path_given)
			return 0;
		qlog(LOG_ERR, "config %s: %s", conf_path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		ln++;
		if (!strchr(line, '\n') && !feof(f)) {
			qlog(LOG_ERR, "config %s:%d: line too long", conf_path, ln);
			bad = 1;
			break;
		}
		k = trim(line);
		if (!*k || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			qlog(LOG_ERR, "config %s:%d: not 'key = value'",
			     conf_path, ln);
			bad = 1;
			continue;
		}
		*eq = 0;
		v = trim(eq + 1);
		k = trim(k);
		rc = set_key(c, k, v);
		if (rc == -2)
			qlog(LOG_ERR, "config %s:%d: unknown key '%s'",
			     conf_path, ln, k);
		else if (rc)
			qlog(LOG_ERR, "config %s:%d: bad value '%s' for %s",
			     conf_path, ln, v, k);
		bad |= rc != 0;
	}
	fclose(f);
	return bad ? -1 : 0;
}

int qgsd_load_config(struct qgsd_config *out)
{
	struct qgsd_config c;

	defaults(&c);
	if (load_file(&c))
		return -1;
	for (int i = 0; i < n_cli; i++) {
		if (set_key(&c, cli[i].key, cli[i].val)) {
			qlog(LOG_ERR, "bad value '%s' for --%s", cli[i].val,
			     cli[i].key);
			return -1;
		}
	}
	*out = c;
	qgsd_log_level = c.log_level;
	return 0;
}

/* ---- main ------------------------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tdx-qgsd: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'tdx-qgsd --help'.\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char keys[32][32];
	struct qgsd_config cfg, probe;
	bool foreground = false;
	const char *je = getenv("JOURNAL_STREAM");

	/* stderr is the journal's stream: it reads "<N>" priorities. */
	log_journal = je && *je;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char key[32];
		size_t kl;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(a, "--version")) {
			printf("tdx-qgsd %s\n", TDX_EXT_VERSION);
			return 0;
		}
		if (!strcmp(a, "--foreground") || !strcmp(a, "-f")) {
			foreground = true;
			continue;
		}
		if (strncmp(a, "--", 2))
			return usage_error("unexpected argument '%s'", a);
		a += 2;
		eq = strchr(a, '=');
		kl = eq ? (size_t)(eq - a) : strlen(a);
		if (kl >= sizeof(key))
			return usage_error("unknown option '%s'", argv[i]);
		memcpy(key, a, kl);
		key[kl] = 0;
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value",
						   argv[i]);
			val = argv[++i];
		}
		if (!strcmp(key, "config")) {
			conf_path = val;
			conf_path_given = true;
			continue;
		}
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		defaults(&probe);
		if (set_key(&probe, key, val) == -2)
			return usage_error("unknown option '%s'", argv[i]);
		if (n_cli >= (int)(sizeof(cli) / sizeof(cli[0])))
			return usage_error("too many options at '%s'", argv[i]);
		memcpy(keys[n_cli], key, sizeof(key));
		cli[n_cli].key = keys[n_cli];
		cli[n_cli].val = val;
		n_cli++;
	}
	if (qgsd_load_config(&cfg))
		return 1;
	if (!foreground) {
		log_journal = false;
		openlog("tdx-qgsd", LOG_PID, LOG_DAEMON);
	}
	return qgsd_serve(&cfg, foreground);
}

void qgsd_use_syslog(void)
{
	log_syslog = true;
}
