#!/usr/bin/env python3
"""A sample set drawn from a seed: `scripts/make-samples --seed N [OUTPUT_DIR]` runs this.

Every choice (capture size and frame rate, opening screen, chrome colours, pane position and
size, self-view corner, pane and self-view sources, motion paths, durations, excerpt and trim
times, speeds, crop windows, sticker and watermark places) comes from random.Random(seed), so
the same seed gives the same ffmpeg commands and, with single-threaded bitexact encoding, the
same bytes. truth.json is written from the same variables the commands use (one `seg` record
per shown stretch of a capture, intersected pairwise as scripts/make-samples does).

Layout of OUTPUT_DIR: captures/ (4 chat captures, one of them with a dark, plain pane),
reuploads/ (one transform each: rot90/180/270, a large sticker, centre-square, 9:16 and 4:5
crops of the pane, a slow and a fast speed between 0.5x and 2x, greyscale + watermark at 15
fps, 240p 12 fps, a 360p transcode of the dark capture, mirror, letterbox, crop-to-pane, a
trim, a compilation of two excerpts), unrelated/ (hard negatives: a call with the same chrome,
opening screen and self-view as a capture but other call content; the opening then a lobby;
unrelated footage), truth.json (the schema of samples/truth.json).

Usage: seeded.py SEED OUTPUT_DIR
"""
import json, math, os, random, shutil, subprocess, sys, tempfile

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
BITEXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-an", "-sn", "-dn"]
X264 = ["-c:v", "libx264", "-threads", "1", "-preset", "faster", "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-g", "48", "-keyint_min", "24", "-x264-params", "threads=1:lookahead-threads=1:sliced-threads=0"]


def even(x):
    return int(round(x / 2.0)) * 2


def hexcolour(rng, lo=0, hi=255):
    return "0x%02x%02x%02x" % tuple(rng.randint(lo, hi) for _ in range(3))


class Generator:
    def __init__(self, seed, out):
        self.rng = random.Random(seed)
        self.seed = seed
        self.out = out
        self.work = tempfile.mkdtemp(prefix="keyprint-make-samples-seed.")
        self.videos = []     # dicts: path kind source transform chrome
        self.segs = []       # (path, file_start, file_end, capture, capture_start, speed)
        self.openings = {}   # path -> [[start, end]]
        self.texts = 0

    # ---- helpers ------------------------------------------------------------------------
    def text(self, s):
        self.texts += 1
        p = os.path.join(self.work, "t%d.txt" % self.texts)
        with open(p, "w") as f:
            f.write(s)
        return p

    def ffm(self, *args):
        cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-threads", "1",
               "-filter_threads", "1", "-filter_complex_threads", "1"] + list(args)
        subprocess.run(cmd, check=True)

    def video(self, path, kind, source=None, transform=(), chrome=None):
        self.videos.append({"path": path, "kind": kind, "source": source, "transform": list(transform), "chrome": chrome})

    def path(self, rel):
        return os.path.join(self.out, rel)

    def motion(self, span_x, span_y):
        """A random smooth motion path inside [0, span] (ffmpeg expressions of t). Amplitudes
        (a quarter to under half of the span) and rates (0.25-0.8 rad/s) are those of
        samples/, so the content moves about as much between 1-s samples as it does there."""
        r = self.rng
        fx, fy = r.uniform(0.25, 0.8), r.uniform(0.3, 0.9)
        px, py = r.uniform(0, 6.28), r.uniform(0, 6.28)
        ax, ay = span_x * r.uniform(0.25, 0.45), span_y * r.uniform(0.2, 0.45)
        cx, cy = r.uniform(ax, span_x - ax), r.uniform(ay, span_y - ay)
        if r.choice(["sin", "abs"]) == "abs":
            x = "%d+%d*abs(sin(%.3f*t+%.3f))" % (cx - ax, 2 * ax, fx, px)
        else:
            x = "%d+%d*sin(%.3f*t+%.3f)" % (cx, ax, fx, px)
        y = "%d+%d*sin(%.3f*t+%.3f)" % (cy, ay, fy, py)
        return x, y

    # ---- the set's fixed variables --------------------------------------------------------
    def choose(self):
        r = self.rng
        self.W, self.H = r.choice([(768, 432), (854, 480), (704, 396)])
        self.FPS = r.choice([24, 25, 30])
        self.SLOW = r.choice([3, 4, 5])
        self.OPENING = r.choice([1.5, 2.0, 2.5])
        self.CALL = float(r.randint(9, 12))
        self.CAPLEN = self.OPENING + self.CALL
        self.opening_bg = hexcolour(r, 10, 40)
        self.opening_bar = hexcolour(r, 20, 110)
        self.opening_title = r.choice(["Connecting…", "Joining call…", "Calling…", "Please wait…"])
        # Two chromes; captures a and b share the first (hard negatives), c the second, d either.
        self.chromes = [self.make_chrome(0), self.make_chrome(1)]
        self.capture_chrome = {"a": 0, "b": 0, "c": 1, "d": r.choice([0, 1])}
        self.dark = r.choice(["b", "c", "d"])   # the capture whose pane is dark and plain
        self.sources = r.sample(["mandelbrot", "plasma", "gradients", "bars", "rings"], 4)

    def make_chrome(self, i):
        r = self.rng
        W, H = self.W, self.H
        top = even(r.uniform(0.08, 0.11) * H)
        bottom = even(r.uniform(0.09, 0.12) * H)
        pane_w = even(r.uniform(0.62, 0.76) * W)
        pane_h = even(pane_w * 9 / 16)
        pane_h = min(pane_h, H - top - bottom - 12)
        pane_w = even(pane_h * 16 / 9)
        side = r.choice(["left", "centre", "right"])
        free_x = W - pane_w
        pane_x = {"left": even(free_x * 0.05), "centre": even(free_x / 2), "right": even(free_x * 0.95)}[side]
        pane_y = even(top + (H - top - bottom - pane_h) * r.uniform(0.3, 0.7))
        pip_w = even(pane_w * r.uniform(0.22, 0.28)); pip_h = even(pip_w * 9 / 16)
        corner = r.choice(["tl", "tr", "bl", "br"])
        inset = 8
        pip_x = pane_x + (inset if corner[1] == "l" else pane_w - pip_w - inset - 4)
        pip_y = pane_y + (inset if corner[0] == "t" else pane_h - pip_h - inset - 4)
        return {
            "name": ["chatline", "roomly"][i] if i < 2 else "chrome%d" % i,
            "fg": "white" if i == 0 else "0x222222",
            "bg": hexcolour(r, 20, 50) if i == 0 else hexcolour(r, 200, 240),
            "bar": hexcolour(r, 30, 160), "panel": hexcolour(r, 40, 90) if i == 0 else hexcolour(r, 170, 210),
            "top": top, "bottom": bottom, "side": side, "corner": corner,
            "pane": (pane_x, pane_y, pane_w, pane_h), "pip": (pip_x, pip_y, pip_w, pip_h),
            "title": r.choice(["Weekly sync", "Call with Jordan", "Team standup", "Interview", "Family call"]),
            "app": ["ChatLine", "Roomly"][i],
        }

    # ---- graph pieces ---------------------------------------------------------------------
    def opening_graph(self, label):
        W, H, FPS = self.W, self.H, self.FPS
        t1 = self.text(self.opening_title)
        return (f"color=c={self.opening_bg}:s={W}x{H}:r={FPS}:d={self.OPENING},format=yuv420p,"
                f"drawbox=x=0:y=0:w={W}:h={H // 4}:c={self.opening_bar}:t=fill,"
                f"drawbox=x={W // 2 - 60}:y={H // 3}:w=120:h=120:c=0x3b6ea5:t=fill,"
                f"drawbox=x={W // 2 - 35}:y={H // 3 + 25}:w=70:h=70:c=0xd0dce8:t=fill,"
                f"drawtext=fontfile={BOLD}:textfile={t1}:fontsize={H // 11}:fontcolor=0xe6ebf0:x=(w-tw)/2:y={H * 2 // 3}[{label}b];"
                f"color=c=0x4a90e2:s=16x16:r={FPS}:d={self.OPENING}[{label}d];"
                f"[{label}b][{label}d]overlay=x='{W // 2 - 8}+90*cos(2*PI*t)':y='{H // 3 + 52}+90*sin(2*PI*t)':eof_action=pass[{label}]")

    def chrome_graph(self, c, duration):
        W, H, FPS = self.W, self.H, self.FPS
        app, title = self.text(c["app"]), self.text(c["title"])
        timer = self.text("● REC %{eif:trunc(t/60):d:2}:%{eif:mod(trunc(t),60):d:2}")
        px, py, pw, ph = c["pane"]
        fg = c["fg"]
        panel_x = px + pw + 12 if px + pw + 12 + 80 < W else 8
        panel_w = max(40, min(160, W - panel_x - 8)) if panel_x > px else max(40, px - 16)
        people = self.text("Participants\nAlex\nSam\nYou")
        return (f"color=c={c['bg']}:s={W}x{H}:r={FPS}:d={duration},format=yuv420p,"
                f"drawbox=x=0:y=0:w={W}:h={c['top']}:c={c['bar']}:t=fill,"
                f"drawtext=fontfile={BOLD}:textfile={app}:fontsize={c['top'] // 2}:fontcolor={fg}:x=12:y={c['top'] // 4},"
                f"drawtext=fontfile={FONT}:textfile={title}:fontsize={c['top'] * 2 // 5}:fontcolor={fg}:x=(w-tw)/2:y={c['top'] // 4},"
                f"drawtext=fontfile={FONT}:textfile={timer}:fontsize={c['top'] * 2 // 5}:fontcolor=0xff8080:x=w-tw-12:y={c['top'] // 4},"
                f"drawbox=x={px - 3}:y={py - 3}:w={pw + 6}:h={ph + 6}:c={c['panel']}:t=fill,"
                f"drawbox=x={panel_x}:y={py}:w={panel_w}:h={ph // 2}:c={c['panel']}:t=fill,"
                f"drawtext=fontfile={FONT}:textfile={people}:fontsize=12:line_spacing=8:fontcolor={fg}:x={panel_x + 6}:y={py + 8},"
                f"drawbox=x=0:y={H - c['bottom']}:w={W}:h={c['bottom']}:c={c['bar']}:t=fill,"
                f"drawbox=x={W // 2 - 30}:y={H - c['bottom'] + 6}:w=60:h={c['bottom'] - 12}:c=0xd9534f:t=fill")

    def pane_graph(self, kind, pw, ph, duration, label, seed):
        """A remote 'webcam' pane: a source plus one or two moving blobs."""
        r, FPS, SLOW = self.rng, self.FPS, self.SLOW
        d = duration
        if kind == "mandelbrot":
            src = (f"mandelbrot=s=128x72:r={SLOW}:start_scale={r.uniform(2, 3.5):.2f}:end_scale={r.uniform(0.02, 0.1):.3f}"
                   f":end_pts={int(SLOW * d)}:maxiter=150:start_x={r.uniform(-0.8, -0.7):.4f}:start_y={r.uniform(-0.2, 0.2):.4f},"
                   f"trim=duration={d},scale={pw}:{ph}:flags=bicubic,gblur=sigma=2")
        elif kind == "plasma":
            a, b, c, e = r.uniform(7, 12), r.uniform(5, 9), r.uniform(0.6, 1.8), r.uniform(0.5, 1.2)
            src = (f"color=c=black:s=160x90:r={SLOW}:d={d},format=yuv444p,"
                   f"geq=lum='128+60*sin(X/{a:.2f}+T*{c:.2f})+50*sin(Y/{b:.2f}-T*{e:.2f})':cb='128+70*sin((X+Y)/13+T*0.7)':cr='128+70*cos(X/11-T*1.1)',"
                   f"scale={pw}:{ph}:flags=bicubic")
        elif kind == "gradients":
            cols = ":".join("c%d=%s" % (i, hexcolour(r)) for i in range(4))
            src = (f"gradients=s=320x180:r={SLOW}:d={d}:{cols}:nb_colors=4:speed={r.uniform(0.03, 0.08):.3f}:seed={seed},"
                   f"scale={pw}:{ph}:flags=bicubic,drawbox=x=0:y={int(ph * r.uniform(0.55, 0.8))}:w={pw}:h={ph // 14}:c=0x101010@0.6:t=fill")
        elif kind == "bars":
            src = (f"smptehdbars=s={pw}x{ph}:r={SLOW}:d={d},"
                   f"rotate=a='{r.uniform(0.15, 0.4):.3f}*t+{r.uniform(0, 3):.2f}':ow={pw}:oh={ph}:c=0x303030")
        elif kind == "rings":
            cx, cy = r.randint(40, 120), r.randint(20, 70)
            src = (f"color=c=black:s=160x90:r={SLOW}:d={d},format=yuv444p,"
                   f"geq=lum='128+90*sin(hypot(X-{cx},Y-{cy})/{r.uniform(4, 8):.2f}-T*{r.uniform(1, 3):.2f})':cb='{r.randint(90, 170)}':cr='{r.randint(90, 170)}',"
                   f"scale={pw}:{ph}:flags=bicubic")
        elif kind == "dark":   # a dark room, a plain wall: low PDQ quality on the pane
            src = (f"color=c={hexcolour(r, 12, 24)}:s={pw}x{ph}:r={SLOW}:d={d},format=yuv420p,"
                   f"drawbox=x={pw // 3}:y={ph // 4}:w={pw // 3}:h={ph // 2}:c={hexcolour(r, 24, 34)}:t=fill")
        else:
            raise ValueError(kind)
        g = f"{src},fps={FPS},format=yuv420p[{label}0]"
        n_blobs = 1 if kind == "dark" else r.choice([1, 2])
        prev = f"{label}0"
        for i in range(n_blobs):
            bw, bh = even(pw * r.uniform(0.15, 0.22)), even(ph * r.uniform(0.3, 0.42))
            colour = hexcolour(r, 26, 40) if kind == "dark" else hexcolour(r)
            x, y = self.motion(pw - bw, ph - bh)
            nxt = label if i == n_blobs - 1 else f"{label}{i + 1}"
            g += (f";color=c={colour}:s={bw}x{bh}:r={FPS}:d={d}[{label}b{i}];"
                  f"[{prev}][{label}b{i}]overlay=x='{x}':y='{y}':eof_action=pass[{nxt}]")
            prev = nxt
        return g

    def pip_graph(self, spec, pw, ph, duration, label):
        FPS, SLOW = self.FPS, self.SLOW
        kind, seed, c0, c1 = spec
        if kind == "gradients":
            src = f"gradients=s=160x90:r={SLOW}:d={duration}:c0={c0}:c1={c1}:nb_colors=2:speed=0.08:seed={seed}"
        elif kind == "cellauto":
            src = f"cellauto=s=160x90:r={SLOW}:rule=30:seed={seed}:random_fill_ratio=0.5,trim=duration={duration}"
        else:
            src = (f"color=c=black:s=160x90:r={SLOW}:d={duration},format=yuv444p,"
                   f"geq=lum='128+100*sin(X/{3 + seed % 5}-T*3)':cb='128+60*sin(Y/8+T)':cr='128'")
        return f"{src},scale={pw}:{ph},fps={FPS},format=yuv420p,pad={pw + 4}:{ph + 4}:2:2:color=white[{label}]"

    # ---- videos ---------------------------------------------------------------------------
    def make_call(self, rel, chrome, pane_kind, pip_spec, pane_seed, kind="capture"):
        c = self.chromes[chrome]
        px, py, pw, ph = c["pane"]
        qx, qy, qw, qh = c["pip"]
        graph = (f"{self.opening_graph('open')};{self.chrome_graph(c, self.CALL)}[bg];"
                 f"{self.pane_graph(pane_kind, pw, ph, self.CALL, 'pane', pane_seed)};"
                 f"{self.pip_graph(pip_spec, qw, qh, self.CALL, 'pip')};"
                 f"[bg][pane]overlay=x={px}:y={py}:eof_action=pass[l1];"
                 f"[l1][pip]overlay=x={qx}:y={qy}:eof_action=pass,setsar=1[callv];"
                 f"[open][callv]concat=n=2:v=1:a=0,fps={self.FPS},format=yuv420p[v]")
        self.ffm("-filter_complex", graph, "-map", "[v]", *X264, "-crf", "34", *BITEXACT, self.path(rel))
        self.video(rel, kind, chrome=c["name"])
        self.openings[rel] = [[0.0, self.OPENING]]
        print("made " + rel, file=sys.stderr)

    def reupload(self, cap, rel, transform, vf, speed=1.0, crf="39", enc=None):
        src = self.path("captures/call-%s.mp4" % cap)
        self.ffm("-i", src, "-vf", vf, *(enc or X264), "-crf", crf, *BITEXACT, self.path(rel))
        self.video(rel, "reupload", source="captures/call-%s.mp4" % cap, transform=transform)
        self.segs.append((rel, 0.0, self.CAPLEN / speed, "captures/call-%s.mp4" % cap, 0.0, speed))
        self.openings[rel] = [[0.0, round(self.OPENING / speed, 4)]]
        print("made " + rel, file=sys.stderr)

    def run(self):
        r = self.rng
        self.choose()
        for sub in ("captures", "reuploads", "unrelated"):
            os.makedirs(self.path(sub), exist_ok=True)
        pip_kinds = r.sample(["gradients", "cellauto", "stripes"], 3) + [r.choice(["gradients", "cellauto", "stripes"])]
        self.pips = {}
        for i, name in enumerate("abcd"):
            pane = "dark" if name == self.dark else self.sources[i]
            self.pips[name] = (pip_kinds[i], r.randint(1, 999), hexcolour(r), hexcolour(r))
            rel = "captures/call-%s.mp4" % name
            self.make_call(rel, self.capture_chrome[name], pane, self.pips[name], r.randint(1, 999))
            self.segs.append((rel, 0.0, self.CAPLEN, rel, 0.0, 1.0))

        bright = [n for n in "abcd" if n != self.dark]
        def pick():
            return r.choice(bright)
        def pane_of(cap):
            return self.chromes[self.capture_chrome[cap]]["pane"]

        # Rotation baked into the pixels.
        self.reupload(pick(), "reuploads/rot90.mp4", ["rot90"], "transpose=clock")
        self.reupload(pick(), "reuploads/rot180.mp4", ["rot180"], "hflip,vflip")
        self.reupload(pick(), "reuploads/rot270.mp4", ["rot270"], "transpose=cclock")
        # A sticker over a fifth of the picture, on the pane.
        cap = pick(); px, py, pw, ph = pane_of(cap)
        sw, sh = even(self.W * 0.5), even(self.H * 0.4)
        sx = max(0, min(self.W - sw, px + r.randint(0, max(0, pw - sw))))
        sy = max(0, min(self.H - sh, py + r.randint(0, max(0, ph - sh))))
        lol = self.text(r.choice(["LOL", "OMG", "WOW", "HAHA"]))
        self.reupload(cap, "reuploads/sticker.mp4", ["sticker"],
                      f"drawbox=x={sx}:y={sy}:w={sw}:h={sh}:c={hexcolour(r, 150, 255)}:t=fill,"
                      f"drawbox=x={sx + sw // 6}:y={sy + sh // 6}:w={sw * 2 // 3}:h={sh * 2 // 3}:c={hexcolour(r, 0, 120)}:t=fill,"
                      f"drawtext=fontfile={BOLD}:textfile={lol}:fontsize={sh // 4}:fontcolor=white:x={sx}+({sw}-tw)/2:y={sy}+({sh}-th)/2")
        # Social-media crops of the pane: centre square, 9:16 and 4:5 portrait.
        for rel, tr, aspect in (("reuploads/crop-square.mp4", "crop-square", 1.0),
                                ("reuploads/crop-9x16.mp4", "crop-9x16", 9 / 16),
                                ("reuploads/crop-4x5.mp4", "crop-4x5", 4 / 5)):
            cap = pick(); px, py, pw, ph = pane_of(cap)
            cw = even(ph * aspect); off = even((pw - cw) / 2 + r.uniform(-0.1, 0.1) * (pw - cw))
            self.reupload(cap, rel, [tr], f"crop={cw}:{ph}:{px + off}:{py}")
        # Speed: one slower, one faster, 0.5x to 2x.
        for rel, lo, hi in (("reuploads/speed-slow.mp4", 0.5, 0.85), ("reuploads/speed-fast.mp4", 1.2, 2.0)):
            s = round(r.uniform(lo, hi), 2)
            self.reupload(pick(), rel, ["speed-%g" % s], f"setpts=PTS/{s},fps={self.FPS}", speed=s)
        # Degraded copies.
        wm = self.text(r.choice(["@clipdump", "@reposted", "@viralnow"]))
        wx, wy = r.randint(10, self.W - 230), r.randint(10, self.H - 70)
        self.reupload(pick(), "reuploads/grey-watermark-15fps.mp4", ["greyscale", "watermark", "fps-15"],
                      f"hue=s=0,drawbox=x={wx}:y={wy}:w=200:h=56:c=white@0.75:t=fill,"
                      f"drawtext=fontfile={BOLD}:textfile={wm}:fontsize=24:fontcolor=0x202020:x={wx + 12}:y={wy + 14},fps=15")
        self.reupload(pick(), "reuploads/240p-12fps.mp4", ["transcode-240p", "fps-12"], "scale=-2:240,fps=12", crf="38")
        self.reupload(self.dark, "reuploads/dark-360p.mp4", ["transcode-360p"], "scale=-2:360:flags=bilinear", crf="41")
        self.reupload(pick(), "reuploads/mirror.mp4", ["mirror"], "hflip")
        lw = 360; lh = even(lw * self.H / self.W)
        self.reupload(pick(), "reuploads/letterbox.mp4", ["letterbox-portrait"],
                      f"scale={lw}:{lh},pad=360:640:0:{even((640 - lh) / 2)}:black,setsar=1")
        cap = pick(); px, py, pw, ph = pane_of(cap)
        self.reupload(cap, "reuploads/crop-pane.mp4", ["crop-pane"], f"crop={pw}:{ph}:{px}:{py}")

        # Trim: an excerpt of the call.
        cap = pick()
        t0 = round(self.OPENING + r.uniform(0.5, 3.0), 2); t1 = round(min(self.CAPLEN - 0.5, t0 + r.uniform(4, 7)), 2)
        rel = "reuploads/trim.mp4"
        self.ffm("-i", self.path("captures/call-%s.mp4" % cap), "-vf", f"trim=start={t0}:end={t1},setpts=PTS-STARTPTS",
                 *X264, "-crf", "38", *BITEXACT, self.path(rel))
        self.video(rel, "reupload", source="captures/call-%s.mp4" % cap, transform=["trim"])
        self.segs.append((rel, 0.0, round(t1 - t0, 4), "captures/call-%s.mp4" % cap, t0, 1.0))
        print("made " + rel, file=sys.stderr)

        self.compilation(bright)
        self.negatives()
        self.truth()

    def compilation(self, bright):
        r = self.rng
        p, q = r.sample(bright, 2)
        intro, mid, outro = r.randint(2, 4), r.randint(2, 4), r.randint(2, 3)
        def excerpt():
            a = round(self.OPENING + r.uniform(0, 3), 1); return a, round(a + r.uniform(4, 6), 1)
        (pa, pb), (qa, qb) = excerpt(), excerpt()
        FPS = self.FPS
        title, end = self.text("TOP 10 CALLS"), self.text("subscribe")
        graph = (f"color=c=0x400040:s=640x360:r={FPS}:d={intro},format=yuv444p,"
                 f"geq=lum='128+90*sin(hypot(X-320,Y-180)/{r.uniform(10, 18):.1f}-T*4)':cb='128+60*sin(X/40+T)':cr='160',format=yuv420p,"
                 f"drawtext=fontfile={BOLD}:textfile={title}:fontsize=40:fontcolor=white:borderw=3:x=(w-tw)/2:y='40+20*t',setsar=1[p1];"
                 f"[0:v]trim=start={pa}:end={pb},setpts=PTS-STARTPTS,scale=640:360,setsar=1,fps={FPS},format=yuv420p[p2];"
                 f"cellauto=s=160x90:r={self.SLOW}:rule=90:seed={r.randint(1, 999)}:random_fill_ratio=0.3,trim=duration={mid},"
                 f"scale=640:360:flags=neighbor,fps={FPS},format=yuv420p,hue=h=120,setsar=1[p3];"
                 f"[1:v]trim=start={qa}:end={qb},setpts=PTS-STARTPTS,scale=640:360,setsar=1,fps={FPS},format=yuv420p[p4];"
                 f"color=c=0x102030:s=640x360:r={FPS}:d={outro},format=yuv420p,"
                 f"drawtext=fontfile={BOLD}:textfile={end}:fontsize=44:fontcolor=0xffcc00:x='(w-tw)/2+60*sin(3*t)':y=(h-th)/2,setsar=1[p5];"
                 f"[p1][p2][p3][p4][p5]concat=n=5:v=1:a=0,fps={FPS},format=yuv420p[v]")
        rel = "reuploads/compilation.mp4"
        self.ffm("-i", self.path("captures/call-%s.mp4" % p), "-i", self.path("captures/call-%s.mp4" % q),
                 "-filter_complex", graph, "-map", "[v]", *X264, "-crf", "38", *BITEXACT, self.path(rel))
        self.video(rel, "reupload", transform=["embedded"])
        at = intro
        self.segs.append((rel, at, round(at + pb - pa, 4), "captures/call-%s.mp4" % p, pa, 1.0))
        at = round(at + pb - pa + mid, 4)
        self.segs.append((rel, at, round(at + qb - qa, 4), "captures/call-%s.mp4" % q, qa, 1.0))
        print("made " + rel, file=sys.stderr)

    def negatives(self):
        r = self.rng
        # Same chrome, opening screen and self-view as capture a, other call content.
        kinds = [k for k in ["mandelbrot", "plasma", "gradients", "bars", "rings"] if k != self.sources[0]]
        self.make_call("unrelated/same-chrome-call.mp4", self.capture_chrome["a"], r.choice(kinds), self.pips["a"],
                       r.randint(1, 999), kind="unrelated")
        # The opening, then a lobby that never connects.
        W, H, FPS = self.W, self.H, self.FPS
        lobby = self.text("No answer. Waiting in lobby…")
        graph = (f"{self.opening_graph('open')};"
                 f"color=c={self.opening_bg}:s={W}x{H}:r={FPS}:d=6,format=yuv420p,"
                 f"drawtext=fontfile={FONT}:textfile={lobby}:fontsize=22:fontcolor=0xe6ebf0:x=(w-tw)/2:y={H - 60}[lb0];"
                 f"color=c=black:s=200x200:r={self.SLOW}:d=6,format=yuv444p,"
                 f"geq=lum='128+100*sin(hypot(X-100,Y-100)/{r.uniform(6, 11):.1f}-T*2)':cb='100':cr='170',fps={FPS},format=yuv420p[lb1];"
                 f"[lb0][lb1]overlay=x={W // 2 - 100}:y={H // 5},setsar=1[lobby];"
                 f"[open][lobby]concat=n=2:v=1:a=0,fps={FPS},format=yuv420p[v]")
        rel = "unrelated/connecting-then-lobby.mp4"
        self.ffm("-filter_complex", graph, "-map", "[v]", *X264, "-crf", "32", *BITEXACT, self.path(rel))
        self.video(rel, "unrelated")
        self.openings[rel] = [[0.0, self.OPENING]]
        # Unrelated footage.
        rel = "unrelated/life.mp4"
        self.ffm("-filter_complex", f"life=s=80x45:r=3:seed={r.randint(1, 9999)}:ratio=0.3:mold=8:life_color=0xffffff:"
                 f"death_color=0x000000:mold_color={hexcolour(r)},trim=duration=8,scale=640:360:flags=neighbor,fps={FPS},format=yuv420p[v]",
                 "-map", "[v]", *X264, "-crf", "36", *BITEXACT, self.path(rel))
        self.video(rel, "unrelated")
        print("made unrelated/*", file=sys.stderr)

    # ---- truth.json -----------------------------------------------------------------------
    def truth(self):
        def num(x):
            return round(float(x) + 0.0, 3)
        for v in self.videos:
            d = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                                "default=nw=1:nk=1", self.path(v["path"])], check=True, capture_output=True, text=True).stdout
            v["duration_s"] = num(d.strip())
            if v["chrome"] is None and v["source"]:
                v["chrome"] = next(w["chrome"] for w in self.videos if w["path"] == v["source"])
        tr = {v["path"]: v["transform"] for v in self.videos}
        pairs, linked = [], set()
        segs = self.segs
        for i in range(len(segs)):
            for j in range(i + 1, len(segs)):
                (pi, fsi, fei, ci, ssi, si), (pj, fsj, fej, cj, ssj, sj) = segs[i], segs[j]
                if pi == pj or ci != cj:
                    continue
                lo = max(ssi, ssj, self.OPENING)
                hi = min(ssi + (fei - fsi) * si, ssj + (fej - fsj) * sj, self.CAPLEN)
                if hi - lo < 0.5:
                    continue
                diff = [t for t in tr[pi] if t not in tr[pj]] + [t for t in tr[pj] if t not in tr[pi]]
                pairs.append({"a": pi, "a_start_s": num(fsi + (lo - ssi) / si), "a_end_s": num(fsi + (hi - ssi) / si),
                              "b": pj, "b_start_s": num(fsj + (lo - ssj) / sj), "b_end_s": num(fsj + (hi - ssj) / sj),
                              "capture": ci, "capture_start_s": num(lo), "capture_end_s": num(hi), "transform": diff,
                              "a_transform": tr[pi], "b_transform": tr[pj], "speed": num(sj / si)})
                linked.add((pi, pj)); linked.add((pj, pi))
        chrome = {v["path"]: v["chrome"] for v in self.videos}
        negatives = []
        for i, a in enumerate(self.videos):
            for b in self.videos[i + 1:]:
                if (a["path"], b["path"]) in linked:
                    continue
                both_open = a["path"] in self.openings and b["path"] in self.openings
                same = a["chrome"] is not None and a["chrome"] == b["chrome"]
                why = "unrelated content"
                if both_open: why = "both open on the shared opening screen, different content"
                if same: why = "same %s chat chrome, different call" % a["chrome"]
                if same and both_open: why = "same %s chat chrome and the shared opening, different call" % a["chrome"]
                negatives.append({"a": a["path"], "b": b["path"], "why": why})
        doc = {"version": 1, "seed": self.seed, "shared_opening_s": self.OPENING,
               "videos": [dict(v, opening_spans=self.openings.get(v["path"], [])) for v in self.videos],
               "pairs": pairs, "negatives": negatives}
        with open(self.path("truth.json"), "w") as f:
            f.write("{\n")
            keys = list(doc)
            for k in keys:
                val = doc[k]
                if isinstance(val, list):
                    f.write('  "%s": [\n' % k)
                    f.write(",\n".join("    " + json.dumps(x, ensure_ascii=False) for x in val))
                    f.write("\n  ]")
                else:
                    f.write('  "%s": %s' % (k, json.dumps(val)))
                f.write(",\n" if k != keys[-1] else "\n")
            f.write("}\n")


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        print(__doc__, file=sys.stderr); return 2
    seed, out = int(sys.argv[1]), sys.argv[2]
    for sub in ("captures", "reuploads", "unrelated"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    if os.path.exists(os.path.join(out, "truth.json")):
        os.remove(os.path.join(out, "truth.json"))
    g = Generator(seed, out)
    try:
        g.run()
    finally:
        shutil.rmtree(g.work, ignore_errors=True)
    print("seed %d samples written to %s/" % (seed, out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
