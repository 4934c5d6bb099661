# Functions the file operations call on the module. They stay defined
# until the module resets, under names that hold this file's digest
# (helpers.go), so the file crosses the link once. MicroPython 1.12: no
# f-strings, u-prefixed modules; uos and ubinascii are imported by every
# command's prelude. Comment lines are not sent.


# _qpyhD answers "<size> <kind> <digest>" for a file, "d" for a folder,
# "-" when nothing is there. kind is the best the firmware has: sha256,
# else crc32, else a byte sum (not trusted to skip a file).
def _qpyhD(p):
    try:
        s = uos.stat(p)
    except OSError:
        return '-'
    if s[0] & 0x4000:
        return 'd'
    h = c = 0
    k = 'sha256'
    try:
        import uhashlib
        h = uhashlib.sha256()
    except Exception:
        try:
            from ubinascii import crc32
            k = 'crc32'
        except Exception:
            k = 'sum'
    f = open(p, 'rb')
    while 1:
        b = f.read(4096)
        if not b:
            break
        if h:
            h.update(b)
        elif k == 'crc32':
            c = crc32(b, c)
        else:
            c = (c + sum(b)) & 0xffffffff
    f.close()
    if h:
        c = ubinascii.hexlify(h.digest()).decode()
    return '%d %s %s' % (s[6], k, c)


# _qpyhC closes an upload's part file f, named t, checks it against the
# digests e the computer expects and only then moves it over p (removing
# p first where the file system will not rename over a file); a part
# that does not match is removed. It answers the part's digest.
def _qpyhC(f, t, p, e):
    f.close()
    r = _qpyhD(t)
    if r in e:
        try:
            uos.rename(t, p)
        except OSError:
            uos.remove(p)
            uos.rename(t, p)
    else:
        uos.remove(t)
    return r


# _qpyhW lists the tree under r: [name, size] for files, [name + '/', -1]
# for folders, names relative to r, parents before their contents.
def _qpyhW(r):
    o = []

    def w(d, n):
        for x in uos.listdir(d):
            s = uos.stat(d + '/' + x)
            if s[0] & 0x4000:
                o.append([n + x + '/', -1])
                w(d + '/' + x, n + x + '/')
            else:
                o.append([n + x, s[6]])
    w(r, '')
    return o
