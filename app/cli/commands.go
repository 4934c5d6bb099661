package cli

// commands is the command table: every command qpyhub has, in the order
// --help shows them, with what its help says and the run behind its
// flags. The frame (frame.go) gives them all the same edges.
func commands() []command {
	timeoutSoon := [2]string{"--timeout", "soon"}
	return []command{{
		name:     "ports",
		summary:  "List serial ports and find the module's REPL port",
		usage:    []string{"qpyhub ports [--json]"},
		about:    []string{"Lists the serial ports and marks the REPL port of each QuecPython module."},
		flags:    portsFlags,
		badValue: [2]string{"--json", "maybe"},
	}, {
		name:     "probe",
		summary:  "Check the module: SIM, signal, network, data call",
		usage:    []string{"qpyhub probe --port P [--json] [--timeout 10s]"},
		about:    []string{"Checks the module: SIM, signal, network registration and data call, and says whether it is ready for the cloud."},
		flags:    probeFlags,
		badValue: timeoutSoon,
	}, {
		name:    "sas",
		summary: "Make SAS credentials, or decode a token",
		usage: []string{
			"qpyhub sas --connection-string CS [--ttl 1h | --expiry RFC3339] [--module M] [--websocket] [--json | --snippet]",
			"qpyhub sas --host H --device D --key K [...]",
			"qpyhub sas --dps --id-scope S --registration-id R (--group-key K | --device-key K) [...]",
			"qpyhub sas decode TOKEN|- [--key K] [--json]",
		},
		about:    []string{"Secrets may come from the environment instead of flags, to keep them out of the process list and the shell history: QPYHUB_CONNECTION_STRING, QPYHUB_KEY, QPYHUB_GROUP_KEY (or QPYHUB_KEY with --dps), QPYHUB_DEVICE_KEY."},
		words:    words{secret: true},
		flags:    sasGenerateFlags,
		badValue: [2]string{"--keepalive", "often"},
		actions: []command{{
			name:     "decode",
			usage:    []string{"qpyhub sas decode TOKEN|- [--key K] [--json]"},
			about:    []string{"TOKEN - reads the token from standard input."},
			words:    words{name: "TOKEN", min: 1, max: -1},
			flags:    sasDecodeFlags,
			badValue: [2]string{"--json", "maybe"},
		}},
	}, {
		name:    "hubsim",
		summary: "Run a local IoT Hub and DPS for tests and demos",
		usage:   []string{"qpyhub hubsim [--listen ADDR] [--ws ADDR] [--http ADDR] [--registry FILE [--new-ca]] [--ca-out FILE] [--host NAME] [--token-grace D] [--device ID ...]"},
		about: []string{
			"Runs a local IoT Hub and DPS for tests and demos until Ctrl+C.",
			"This is a test hub: it prints its policy key and every device key on purpose, so clients can connect. Never reuse these keys.",
		},
		flags:    hubsimFlags,
		badValue: [2]string{"--token-grace", "soon"},
	}, {
		name:     "monitor",
		summary:  "Connect as the device and print what the cloud sends",
		usage:    []string{"qpyhub monitor --connection-string CS [flags]"},
		about:    []string{"Connects as the device and prints cloud-to-device messages, desired-property changes, method calls and connection changes until interrupted."},
		flags:    monitorFlags,
		badValue: [2]string{"--reply-method", "reboot"},
	}, {
		name:     "send",
		summary:  "Send one telemetry message as the device",
		usage:    []string{"qpyhub send --connection-string CS [flags] PAYLOAD"},
		about:    []string{"Sends one telemetry message as the device and waits for the hub's acknowledgement."},
		words:    words{name: "PAYLOAD", min: 1, max: 1},
		flags:    sendFlags,
		badValue: timeoutSoon,
	}, {
		name:    "fs",
		summary: "List, copy, sync and remove files on the module",
		usage: []string{
			"qpyhub fs ls    --port P [--json] [DIR]",
			"qpyhub fs put   --port P [--force] [--json] LOCAL [REMOTE]",
			"qpyhub fs sync  --port P [--dry-run] [--delete] [--force] [--json] LOCALDIR [REMOTEDIR]",
			"qpyhub fs get   --port P REMOTE [LOCAL|-]",
			"qpyhub fs rm    --port P REMOTE",
			"qpyhub fs mkdir --port P REMOTE",
			"qpyhub fs run   --port P REMOTE",
		},
		about: []string{"Lists, copies and removes files on the module; uploads replace a file only after it arrived intact, and skip a file the module already has unless --force."},
		actions: []command{
			{name: "ls", usage: []string{"qpyhub fs ls --port P [--json] [DIR]"}, words: words{name: "DIR", max: 1}, flags: fsFlags(fsList()), badValue: timeoutSoon},
			{name: "put", usage: []string{"qpyhub fs put --port P [--force] [--json] LOCAL [REMOTE]"}, words: words{name: "LOCAL", min: 1, max: 2}, flags: fsFlags(fsPut()), badValue: timeoutSoon},
			{name: "sync", usage: []string{"qpyhub fs sync --port P [--dry-run] [--delete] [--force] [--json] LOCALDIR [REMOTEDIR]"},
				about: []string{"Mirrors LOCALDIR onto REMOTEDIR (default /usr) by size and SHA-256: sends new and changed files, leaves unchanged ones; --dry-run lists the changes and makes none. Paths matching LOCALDIR/.qpyhubignore (gitignore syntax) are neither sent nor deleted."},
				words: words{name: "LOCALDIR", min: 1, max: 2}, flags: fsFlags(fsSync()), badValue: timeoutSoon},
			{name: "get", usage: []string{"qpyhub fs get --port P REMOTE [LOCAL|-]"}, words: words{name: "REMOTE", min: 1, max: 2}, flags: fsFlags(fsGet()), badValue: timeoutSoon},
			{name: "rm", usage: []string{"qpyhub fs rm --port P REMOTE"}, words: words{name: "REMOTE", min: 1, max: 1}, flags: fsFlags(fsRemove()), badValue: timeoutSoon},
			{name: "mkdir", usage: []string{"qpyhub fs mkdir --port P REMOTE"}, words: words{name: "REMOTE", min: 1, max: 1}, flags: fsFlags(fsMkdir()), badValue: timeoutSoon},
			{name: "run", usage: []string{"qpyhub fs run --port P REMOTE"}, words: words{name: "REMOTE", min: 1, max: 1}, flags: fsFlags(fsRun()), badValue: timeoutSoon},
		},
	}, {
		name:    "setup",
		summary: "Set up modules: check, identity, credentials, write, verify",
		usage:   []string{"qpyhub setup --port P|--all-quectel (--connection-string CS | --hub-connection-string HCS | --dps --id-scope S --group-key K) [flags]"},
		about: []string{"Checks each module, gets its identity, writes the program and its credentials to /usr, restarts it and waits until it is online.",
			"With --keep-main the module's own main.py stays as it is: the library (qpyhub.py) and the config are written, the identity is proven by one connection through the library from the REPL, and the restart starts the module's own application."},
		flags:    setupFlags,
		badValue: [2]string{"--verify-timeout", "soon"},
		more:     printSetupFields,
	}, devicesCommand(), otaCommand()}
}

// Phrases lists the English texts this package sends through lang.L by
// way of a variable (the table's summaries and help texts, fixed
// phrases), so a test can check that each one is translated.
func Phrases() []string {
	out := []string{phraseLocalRead, phraseLocalWrite}
	var add func(cs []command)
	add = func(cs []command) {
		for _, c := range cs {
			if c.summary != "" {
				out = append(out, c.summary)
			}
			out = append(out, c.about...)
			add(c.actions)
		}
	}
	add(commands())
	return out
}

// Names lists the commands, in the order --help shows them.
func Names() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}
