"""Sums up the surefire reports that .ci/run kept: one line per run and report group, saying
which JDK and Netty version ran them, then every failed or errored test with the first line of its
message (last, so the end of the log names them). Exits 1 if any test failed or errored, or a run has none."""
import pathlib
import sys
import xml.etree.ElementTree as ET


def main(root):
    root = pathlib.Path(root)
    bad = False
    broken = []
    print("%-22s %-40s %-18s %-14s %6s %6s %6s %7s" % (
        "run", "module / execution", "JDK, CPU", "Netty", "tests", "fail", "error", "skipped"))
    for run in sorted(p for p in root.iterdir() if p.is_dir()):
        groups = {}
        for report in run.rglob("TEST-*.xml"):
            suite = ET.parse(report).getroot()
            props = {p.get("name"): p.get("value") for p in suite.iter("property")}
            parts = report.stem[len("TEST-"):].split("-", 1)  # TEST-<class>[-<execution>]
            execution = parts[1] if len(parts) > 1 else "test"
            jdk = props.get("java.version", "?") + " " + props.get("os.arch", "?")
            key = (report.parent.name + " / " + execution, jdk, netty_version(props))
            totals = groups.setdefault(key, [0, 0, 0, 0])
            for i, attr in enumerate(("tests", "failures", "errors", "skipped")):
                totals[i] += int(suite.get(attr, "0"))
            for case in suite.iter("testcase"):
                for outcome in ("failure", "error"):
                    for problem in case.findall(outcome):
                        broken.append("%s %s / %s: %s.%s: %s" % (
                            outcome.upper(), run.name, key[0], case.get("classname", "?"),
                            case.get("name", "?"), first_line(problem)))
        if not groups:
            print("%-22s no test reports" % run.name)
            bad = True
        for (group, jdk, netty), (tests, failures, errors, skipped) in sorted(groups.items()):
            print("%-22s %-40s %-18s %-14s %6d %6d %6d %7d" % (
                run.name, group, jdk, netty, tests, failures, errors, skipped))
            bad |= failures > 0 or errors > 0
    for line in broken:
        print(line)
    return 1 if bad else 0


def first_line(problem):
    """The exception type and the first line of its message, as surefire recorded them."""
    message = (problem.get("message") or (problem.text or "").strip() or "").splitlines()
    kind = problem.get("type", "")
    text = message[0] if message else ""
    return (kind + ": " + text)[:300] if kind else text[:300]


def netty_version(props):
    """The netty-transport jar on the test class path, as the JVM saw it."""
    for entry in props.get("java.class.path", "").split(":") + props.get("surefire.test.class.path", "").split(":"):
        name = pathlib.Path(entry).name
        if name.startswith("netty-transport-4.") and name.endswith(".jar"):
            return name[len("netty-transport-"):-len(".jar")]
    return "?"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
