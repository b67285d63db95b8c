#!/usr/bin/env bash
# The production topology on this machine, for trying replica-router by hand:
# nginx -> two sample-app instances -> Redis, and one PgBouncer (transaction pooling) in front of
# each of a PostgreSQL primary and two streaming replicas. Everything listens on 127.0.0.1 on free
# ports; nothing is installed as a service or left running after "down".
#
#   deploy/local/topology.sh up       install nginx and pgbouncer if missing (Debian), build, start
#   deploy/local/topology.sh down     stop everything
#   deploy/local/topology.sh status   what runs where
#
# The same Java code (topology-tests/src/test/java/.../Topology.java) runs the topology test, with
# the configuration files of deploy/examples/. Extra Maven options: MAVEN_ARGS (read by Maven 3.9+).
set -euo pipefail
cd "$(dirname "$0")/../.."

state=topology-tests/target/local-topology
pid_file=$state/launcher.pid
log_file=$state/launcher.log
jar=sample-app/target/replica-router-sample-app-0.1.0-SNAPSHOT-exec.jar

install_missing() {
  local missing=()
  for program in nginx pgbouncer; do
    if ! command -v "$program" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$program" ]; then
      missing+=("$program")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
      echo "Missing: ${missing[*]}. Install them (apt-get install ${missing[*]}) and run again." >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${missing[*]}, and this is not a Debian-like system: install them yourself." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} from Debian's packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

case "${1:-}" in
  up)
    if running; then
      echo "Already up (pid $(cat "$pid_file")):"; sed -n '/topology is up/,$p' "$log_file"; exit 0
    fi
    install_missing
    ./mvnw -B -q -pl topology-tests -am package -DskipTests
    mkdir -p "$state"
    nohup java -cp "topology-tests/target/test-classes:$(cat topology-tests/target/topology.classpath)" \
      io.replicarouter.topology.TopologyLauncher deploy/examples "$jar" >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    echo "Starting (log: $log_file) ..."
    for _ in $(seq 1 300); do
      if grep -q "topology is up" "$log_file"; then
        sed -n '/topology is up/,$p' "$log_file"; exit 0
      fi
      if ! running; then
        echo "The topology did not start:" >&2; tail -40 "$log_file" >&2; exit 1
      fi
      sleep 1
    done
    echo "Not up after 300 s; see $log_file" >&2; exit 1
    ;;
  down)
    if running; then
      pid=$(cat "$pid_file")
      # SIGTERM: the launcher's shutdown hooks stop nginx, the instances, Redis, the PgBouncers
      # and PostgreSQL, and delete their files.
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      echo "Stopped."
    else
      echo "Not running."
    fi
    rm -f "$pid_file"
    ;;
  status)
    if running; then sed -n '/topology is up/,$p' "$log_file"; else echo "Not running."; fi
    ;;
  *)
    echo "Usage: $0 up|down|status" >&2; exit 2
    ;;
esac
