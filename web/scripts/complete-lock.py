#!/usr/bin/env python3
"""Completes package-lock.json with the other platforms' optional native packages (rollup's, fsevents...).

The npm registry mirror reachable from the build machines lacks those packages' versions, so `npm install` there
leaves them out of the lock file, and `npm ci` then refuses the lock as out of sync. This adds each missing optional
dependency as npm itself would list it (version, os, cpu, libc, optional), so `npm ci` skips it on other platforms.
Run it after every `npm install` that changes the lock: python3 scripts/complete-lock.py package-lock.json
"""
import json, re, sys
p = sys.argv[1]
lock = json.load(open(p))
pk = lock['packages']
added = []
OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'netbsd', 'openbsd', 'sunos', 'aix']
CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x']
for path, meta in list(pk.items()):
    for name, version in (meta.get('optionalDependencies') or {}).items():
        key = 'node_modules/' + name
        nested = (path + '/' if path else '') + key
        if key in pk or nested in pk:
            continue
        base = name.split('/')[-1]
        parts = base.split('-')
        os_ = next((o for o in OS if o in parts), None)
        cpu = next((c for c in CPU if c in parts), None)
        if base == 'fsevents':
            os_ = 'darwin'
        if not os_:
            print('cannot infer platform for', name, file=sys.stderr); sys.exit(1)
        entry = {'version': version}
        if cpu: entry['cpu'] = [cpu]
        if meta.get('dev'): entry['dev'] = True
        if os_ == 'linux':
            entry['libc'] = ['musl' if 'musl' in base or 'musleabihf' in base else 'glibc']
        entry['optional'] = True
        entry['os'] = [os_]
        pk[key] = entry
        added.append(name)
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(p, 'w'), indent=2)
open(p, 'a').write('\n')
print('added', len(added), added[:5])
