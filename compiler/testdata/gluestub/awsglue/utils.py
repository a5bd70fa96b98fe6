def getResolvedOptions(argv, names):
    out = {}
    for name in names:
        flag = "--" + name
        if flag not in argv or argv.index(flag) + 1 >= len(argv):
            raise SystemExit("error: argument %s is required" % flag)
        out[name] = argv[argv.index(flag) + 1]
    return out
