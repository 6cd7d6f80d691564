function __swiftminer_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __swiftminer_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __swiftminer_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __swiftminer_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __swiftminer_parse_tokens -S
    set -l unparsed_tokens (__swiftminer_tokens -pc)
    switch $unparsed_tokens[1]
    case 'swiftminer'
        __swiftminer_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __swiftminer_parse_subcommand 0 'config=' 'o/url=+' 'u/user=' 'p/password=' 'coinbase-addr=' 't/threads=' 'kernel=' 'status-file=' 'share-log=' 'log-level=' 'version' 'h/help'
        case 'proxy'
            __swiftminer_parse_subcommand 0 'config=' 'listen=' 'allow=+' 'o/url=+' 'u/user=' 'p/password=' 'status-file=' 'share-log=' 'log-level=' 'version' 'h/help'
        case 'demo'
            __swiftminer_parse_subcommand 0 'seconds=' 't/threads=' 'kernel=' 'config=' 'stratum-v2' 'log-level=' 'version' 'h/help'
        case 'status'
            __swiftminer_parse_subcommand 0 'status-file=' 'share-log=' 'json' 'follow' 'version' 'h/help'
        case 'bench'
            __swiftminer_parse_subcommand 0 't/threads=' 'seconds=' 'kernel=' 'json' 'version' 'h/help'
        case 'verify-share'
            __swiftminer_parse_subcommand 0 'notify=' 'extranonce1=' 'extranonce2=' 'ntime=' 'nonce=' 'version-bits=' 'version-mask=' 'difficulty=' 'json' 'version' 'h/help'
        case 'check-config'
            __swiftminer_parse_subcommand 1 'version' 'h/help'
        case 'proxy-bench'
            __swiftminer_parse_subcommand 0 'connections=' 'rounds=' 'submit-seconds=' 'submit-rate=' 'sample-connections=' 'sample-rate=' 'sample-seconds=' 'threads=' 'json' 'version' 'h/help'
        case 'help'
            __swiftminer_parse_subcommand -r 1 'version'
        end
    end
end

function __swiftminer_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __swiftminer_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __swiftminer_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __swiftminer_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__swiftminer_tokens -p)
    if test -z "$(__swiftminer_tokens -t)"
        set -l index (count (__swiftminer_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'swiftminer' -f
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'run' -d 'Mine against a Stratum v1 pool (or solo against a node) until SIGINT/SIGTERM (SIGHUP reloads the config file).'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'proxy' -d 'Run the farm proxy: miners connect to it, it mines upstream with one login (until SIGINT/SIGTERM; SIGHUP reloads the config file).'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'demo' -d 'Start an embedded pool on 127.0.0.1 and mine against it (Ctrl-C to stop).'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'status' -d 'Show the running daemon\'s status (from its status file), or follow its share log.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'bench' -d 'Measure the hash rate (the kernel is checked against the reference first).'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'verify-share' -d 'Rebuild a share\'s header from a mining.notify and the submit values; print its hash and difficulty.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'check-config' -d 'Check a TOML configuration file: every error with file, line and key; non-zero exit on errors.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'proxy-bench' -d 'Load-test the farm proxy on loopback: memory, notify fan-out, submit rate and latency.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_positional "swiftminer" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" config' -l 'config' -d 'TOML configuration file (see Config/swiftminer.toml). Flags given on the command line override it.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run"' -s 'o' -l 'url' -d 'Pool URL: stratum+tcp://HOST:PORT (stratum+ssl/tls/tcps for TLS). Repeat for failover pools. Replaces the first worker\'s pools. http(s)://HOST:PORT mines solo against that node (with --coinbase-addr).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" u user' -s 'u' -l 'user' -d 'Pool user (usually ADDRESS.WORKER); for solo mining the node\'s rpcuser.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" p password' -s 'p' -l 'password' -d 'Pool password (default: x).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" coinbase-addr' -l 'coinbase-addr' -d 'Solo mining: the address the coinbase pays (checked against the node\'s chain).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" t threads' -s 't' -l 'threads' -d 'Hashing threads per worker (default: one per core).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" kernel' -l 'kernel' -d 'auto, swift, shani, avx2, avx512, armsha2 or neon (default: auto).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" status-file' -l 'status-file' -d 'Status file (default: $STATE_DIRECTORY/status.json or ./status.json; "" disables it).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" share-log' -l 'share-log' -d 'Share log (default: $STATE_DIRECTORY/shares.jsonl or ./shares.jsonl; "" disables it).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical (default: info).' -rfka 'trace debug info notice warning error critical'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" config' -l 'config' -d 'TOML configuration file (see Config/swiftminer.toml). Flags given on the command line override its first [[proxy]].' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" listen' -l 'listen' -d 'Where miners connect, HOST:PORT with HOST an IP address (default: 127.0.0.1:3333). Any address but loopback needs --allow.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy"' -l 'allow' -d 'A network whose miners may connect, ADDRESS/PREFIX (e.g. 10.0.0.0/8). Repeat for more. Replaces the proxy\'s allow list; loopback is always allowed.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy"' -s 'o' -l 'url' -d 'Upstream pool URL: stratum+tcp://HOST:PORT (stratum+ssl/tls/tcps for TLS). Repeat for failover pools. Replaces the proxy\'s pools.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" u user' -s 'u' -l 'user' -d 'Upstream pool user, one login for the whole farm (usually ADDRESS.NAME).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" p password' -s 'p' -l 'password' -d 'Upstream pool password (default: x).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" status-file' -l 'status-file' -d 'Status file (default: $STATE_DIRECTORY/status.json or ./status.json; "" disables it).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" share-log' -l 'share-log' -d 'Share log (default: $STATE_DIRECTORY/shares.jsonl or ./shares.jsonl; "" disables it).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical (default: info).' -rfka 'trace debug info notice warning error critical'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" seconds' -l 'seconds' -d 'Stop after this many seconds (default: run until Ctrl-C).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" t threads' -s 't' -l 'threads' -d 'Hashing threads (default: one per core).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" kernel' -l 'kernel' -d 'auto, swift, shani, avx2, avx512, armsha2 or neon.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" config' -l 'config' -d 'A configuration file: its [metrics] and [api] sections (and status_file / share_log) are used.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" stratum-v2' -l 'stratum-v2' -d 'Mine against an embedded Stratum V2 pool (encrypted, authenticated) instead of v1.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error or critical.' -rfka 'trace debug info notice warning error critical'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer status" status-file' -l 'status-file' -d 'The status file (default: $STATE_DIRECTORY/status.json or ./status.json).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer status" share-log' -l 'share-log' -d 'The share log for --follow (default: beside the status file).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer status" json' -l 'json' -d 'Print the status file as it is.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer status" follow' -l 'follow' -d 'Print share-log lines as they arrive, human-readable (Ctrl-C to stop).'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer status" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer bench" t threads' -s 't' -l 'threads' -d 'Hashing threads (default: one per core).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer bench" seconds' -l 'seconds' -d 'How long to measure, in seconds.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer bench" kernel' -l 'kernel' -d 'auto, swift, shani, avx2, avx512, armsha2 or neon.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer bench" json' -l 'json' -d 'Print one JSON object.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer bench" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" notify' -l 'notify' -d 'The nine mining.notify params as a JSON array.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" extranonce1' -l 'extranonce1' -d 'extranonce1 (hex, from the subscribe answer).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" extranonce2' -l 'extranonce2' -d 'extranonce2 (hex, as submitted).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" ntime' -l 'ntime' -d 'ntime (8 hex digits, as submitted).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" nonce' -l 'nonce' -d 'nonce (8 hex digits, as submitted).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" version-bits' -l 'version-bits' -d 'Rolled version bits (8 hex digits), the 6th submit param.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" version-mask' -l 'version-mask' -d 'The version-rolling mask the pool granted (8 hex digits).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" difficulty' -l 'difficulty' -d 'Check the share against this pool difficulty.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" json' -l 'json' -d 'Print one JSON object.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer verify-share" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer check-config" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer check-config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" connections' -l 'connections' -d 'Simulated miners (one connection each).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" rounds' -l 'rounds' -d 'Clean jobs broadcast, one at a time, for the notify fan-out.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" submit-seconds' -l 'submit-seconds' -d 'Seconds of the submit phase (0: none).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" submit-rate' -l 'submit-rate' -d 'Submits per second of all miners together.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" sample-connections' -l 'sample-connections' -d 'Miners of the light sample (0: no sample).' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" sample-rate' -l 'sample-rate' -d 'Submits per second of the light sample.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" sample-seconds' -l 'sample-seconds' -d 'Seconds of the light sample, through the proxy and straight to the pool each.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" threads' -l 'threads' -d 'Event loop threads of the simulated miners.' -rfka ''
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" json' -l 'json' -d 'Print one JSON object.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" version' -l 'version' -d 'Show the version.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer proxy-bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'swiftminer' -n '__swiftminer_should_offer_completions_for_flags_or_options "swiftminer help" version' -l 'version' -d 'Show the version.'
