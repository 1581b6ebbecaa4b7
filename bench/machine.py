"""What the benchmarks share: the machine's description, its load and CPU counters read from
/proc (so figures say what each process cost), percentiles, free ports and the throw-away
PostgreSQL database each run creates and drops."""

import asyncio
import math
import os
import platform
import socket
import time
from importlib import metadata

CLK_TCK = os.sysconf("SC_CLK_TCK")


def describe_machine(packages, pg_version=None):
    """Cores, CPU model, memory, system and the versions of `packages`, for the report."""
    model = ""
    try:
        with open("/proc/cpuinfo") as file:
            model = next(
                line.split(":", 1)[1].strip() for line in file if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as file:
        memory = int(file.readline().split()[1]) // 1024
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    postgres = f", PostgreSQL {pg_version}" if pg_version else ""
    return (
        f"machine: {os.cpu_count()} cores ({model}), {memory:,} MB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
        f"{postgres}\nversions: {versions}"
    )


def loadavg():
    return os.getloadavg()[0]


async def wait_until_quiet(args, label):
    """Wait until the 1-minute load average is below --load-below (at most --load-wait
    seconds): figures taken on a busy machine measure the other work. Returns the load."""
    start = time.monotonic()
    next_note = 0.0
    while True:
        load = loadavg()
        waited = time.monotonic() - start
        if load < args.load_below:
            print(f"[{label}] load average (1 min) {load:.3f} < {args.load_below}: go", flush=True)
            return load
        if waited > args.load_wait:
            print(
                f"[{label}] WARNING: load average still {load:.3f} after {waited:.0f} s: "
                "measuring anyway",
                flush=True,
            )
            return load
        if waited >= next_note:
            print(
                f"[{label}] load average (1 min) {load:.3f} ≥ {args.load_below}: waiting "
                f"({waited:.0f} s so far)",
                flush=True,
            )
            next_note += 30
        await asyncio.sleep(5)


def proc_stat(pid):
    """(ppid, own CPU s, reaped children's CPU s) of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    ppid = int(fields[1])
    own = (int(fields[11]) + int(fields[12])) / CLK_TCK
    children = (int(fields[13]) + int(fields[14])) / CLK_TCK
    return ppid, own, children


def process_cpu(pid):
    try:
        return proc_stat(pid)[1]
    except (OSError, IndexError, ValueError):
        return float("nan")


def postgres_cpu():
    """CPU of the whole PostgreSQL server (every database): the postmaster, its live children
    and the children it has reaped (short-lived backends: DB_CONN_MAX_AGE is 0 by default)."""
    processes = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as file:
                if file.read().strip() != "postgres":
                    continue
            processes[int(entry)] = proc_stat(entry)
        except (OSError, IndexError, ValueError):
            continue
    total = 0.0
    for ppid, own, children in processes.values():
        total += own
        if ppid not in processes:  # the postmaster
            total += children
    return total


def machine_cpu():
    """(busy, total) CPU seconds of the machine (all cores) and the steal part, /proc/stat."""
    with open("/proc/stat") as file:
        values = [int(v) for v in file.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = values[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy / CLK_TCK, (busy + idle + iowait) / CLK_TCK, steal / CLK_TCK


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(postgres, name):
    """Drop and create the run's database; the server's version, for the report."""
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return version


def drop_database(postgres, name):
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
