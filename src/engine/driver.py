"""amlguard's Spark driver: runs a compiled lifecycle audit (Spark SQL) over dump files.

Shipped inside the amlguard binary and started by `amlguard audit --engine spark`, either with
spark-submit or with the user's python and pyspark. Reads the list of input files (JSON: index,
path, name), reads each file whole on an executor (gzip decompressed, byte-order mark dropped),
cuts it into lines so that every record keeps its file and line, registers the lines as the view
`amlguard_records`, runs the script's statements in order (each ends with a line holding only
`;`) and writes the last one's rows to stdout as JSON lines, then one
`{"summary": …}` line. Event Hub bodies (`{"records": […]}` on one line) are expanded into their
records, each on the body's line. Files are never discovered by Spark: the archive's paths repeat
`m=` (month, then minute), which Spark's partition discovery cannot read.

Exit status: 0 done; 3 pyspark cannot be imported; 4 the query failed; 2 bad arguments.
"""

import argparse
import gzip
import json
import re
import sys


def read_lines(item):
    """(index, path, name) -> rows (file_index, file, line, record) of one whole file."""
    index, path, name = item
    if "://" in path:
        raise ValueError("remote paths are read with binaryFiles")
    with open(path, "rb") as f:
        data = f.read()
    return lines_of(index, name, data)


def lines_of(index, name, data):
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    out = []
    for n, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.strip(b" \t\r\n\x0b\x0c")
        if not raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            # Not UTF-8: kept as a record that is not JSON, so it is reported, never dropped.
            out.append((index, name, n, "\x00invalid UTF-8"))
            continue
        if text.startswith("{") and '"records"' in text[:24]:
            try:
                body = json.loads(text)
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("records"), list):
                for r in body["records"]:
                    out.append((index, name, n, json.dumps(r, ensure_ascii=False)))
                continue
        out.append((index, name, n, text))
    return out


def split_statements(script):
    """The statements of a compiled script: each ends with a line holding only `;` (a string
    literal never spans lines, so such a line is never inside one); comment-only parts are
    dropped."""
    statements, current = [], []
    for line in script.split("\n"):
        if line.strip() == ";":
            statements.append("\n".join(current))
            current = []
        else:
            current.append(line)
    statements.append("\n".join(current))
    return [
        s
        for s in statements
        if any(l.strip() and not l.strip().startswith("--") for l in s.split("\n"))
    ]


CACHE = re.compile(r"\s*CACHE\s+TABLE\s+(\w+)\s+AS\s+(.*)\Z", re.S | re.I)


def run_stage(spark, statement, reliable):
    """Runs one statement. `CACHE TABLE name AS query` is run as the query, checkpointed
    (computed now, on the executors) and registered as the view `name`: later plans start from
    its rows and never see its expressions, which Spark would otherwise push filters through
    and inline, growing a plan too big to optimize or to run in the heap."""
    body = "\n".join(
        l for l in statement.split("\n") if not l.strip().startswith("--")
    )
    m = CACHE.match(body)
    if m is None:
        spark.sql(statement)
        return
    name, query = m.group(1), m.group(2)
    stage = spark.sql(query)
    # A reliable checkpoint (to the checkpoint directory) survives losing an executor; a local
    # one is faster and enough on one machine.
    stage = stage.checkpoint(eager=True) if reliable else stage.localCheckpoint(eager=True)
    stage.createOrReplaceTempView(name)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--master", default="local[*]")
    p.add_argument("--sql", required=True, help="file holding the compiled query")
    p.add_argument("--inputs", required=True, help="JSON file: [[index, path, name], …]")
    p.add_argument("--app-name", default="amlguard-audit")
    p.add_argument(
        "--checkpoint-dir",
        help="checkpoint each stage here (reachable from every executor) instead of locally",
    )
    args = p.parse_args(argv)
    try:
        from pyspark.sql import SparkSession
        from pyspark.sql.types import (
            IntegerType,
            LongType,
            StringType,
            StructField,
            StructType,
        )
    except ImportError as e:
        sys.stderr.write("pyspark cannot be imported (%s)\n" % e)
        return 3
    with open(args.sql, encoding="utf-8") as f:
        statements = split_statements(f.read())
    if not statements:
        sys.stderr.write("no statement in %s\n" % args.sql)
        return 2
    with open(args.inputs, encoding="utf-8") as f:
        inputs = [tuple(i) for i in json.load(f)]
    spark = (
        SparkSession.builder.master(args.master)
        .appName(args.app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # The audit is one query of many stages with wide expressions: inferring constraints
        # across them costs the optimizer minutes and gains nothing here.
        .config("spark.sql.constraintPropagation.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sc = spark.sparkContext
    if args.checkpoint_dir is not None:
        sc.setCheckpointDir(args.checkpoint_dir)
    if args.master.startswith("local"):
        # A few shuffle partitions per core: the default 200 only adds overhead on one machine.
        spark.conf.set("spark.sql.shuffle.partitions", str(max(2, sc.defaultParallelism * 2)))
    local = [i for i in inputs if "://" not in i[1]]
    remote = [i for i in inputs if "://" in i[1]]
    rdd = sc.parallelize(local, max(1, min(len(local), sc.defaultParallelism * 4))).flatMap(
        read_lines
    )
    for index, path, name in remote:
        rdd = rdd.union(
            sc.binaryFiles(path).flatMap(
                lambda kv, index=index, name=name: lines_of(index, name, kv[1])
            )
        )
    schema = StructType(
        [
            StructField("file_index", IntegerType(), False),
            StructField("file", StringType(), False),
            StructField("line", LongType(), False),
            StructField("record", StringType(), False),
        ]
    )
    records = spark.createDataFrame(rdd, schema).cache()
    records.createOrReplaceTempView("amlguard_records")
    out = sys.stdout
    try:
        count = records.count()
        # Every statement but the last makes a stage; the last one's rows are the findings.
        for statement in statements[:-1]:
            run_stage(spark, statement, args.checkpoint_dir is not None)
        for row in spark.sql(statements[-1]).toLocalIterator():
            out.write(json.dumps(row.asDict(), ensure_ascii=False))
            out.write("\n")
    except Exception as e:  # the query or a read failed: say why, in one line
        sys.stderr.write("the Spark query failed: %s\n" % str(e).splitlines()[0][:2000])
        return 4
    out.write(json.dumps({"summary": {"records": count, "files": len(inputs)}}))
    out.write("\n")
    out.flush()
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
