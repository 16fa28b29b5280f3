"""Sums up the surefire reports that .ci/run kept: one line per run and report group, saying
which JDK and Netty version ran them. Exits 1 if any test failed or errored, or a run has none."""
import pathlib
import sys
import xml.etree.ElementTree as ET


def main(root):
    root = pathlib.Path(root)
    bad = False
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
        if not groups:
            print("%-22s no test reports" % run.name)
            bad = True
        for (group, jdk, netty), (tests, failures, errors, skipped) in sorted(groups.items()):
            print("%-22s %-40s %-18s %-14s %6d %6d %6d %7d" % (
                run.name, group, jdk, netty, tests, failures, errors, skipped))
            bad |= failures > 0 or errors > 0
    return 1 if bad else 0


def netty_version(props):
    """The netty-transport jar on the test class path, as the JVM saw it."""
    for entry in props.get("java.class.path", "").split(":") + props.get("surefire.test.class.path", "").split(":"):
        name = pathlib.Path(entry).name
        if name.startswith("netty-transport-4.") and name.endswith(".jar"):
            return name[len("netty-transport-"):-len(".jar")]
    return "?"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
