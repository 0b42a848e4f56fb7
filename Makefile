# cesutg: see README.md. Every directory under cmd/ is one binary; every
# .c file under lib/ goes into the shared library.

VERSION	 = 0.1.0
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
CESUTGLIBDIR ?= $(PREFIX)/lib/cesutg
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-missing-field-initializers
XCPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib \
	   -DCESUTG_VERSION=\"$(VERSION)\"
LDLIBS	+= -lcsv

B	?= build
CMDS	 = $(notdir $(wildcard cmd/*))
BINS	 = $(addprefix $(B)/bin/,$(CMDS))
LIBSRC	 = $(wildcard lib/*.c)
LIBOBJ	 = $(LIBSRC:%.c=$(B)/%.o)
UNITSRC	 = $(wildcard tests/unit/test_*.c)
UNITS	 = $(UNITSRC:tests/unit/%.c=$(B)/tests/%)
TOOLSRC	 = $(wildcard tests/tools/*.c)
TOOLS	 = $(TOOLSRC:tests/tools/%.c=$(B)/tools/%)
MAN1	 = $(wildcard man/*.1)
MAN5	 = $(wildcard man/*.5)
MAN7	 = $(wildcard man/*.7)
# Shell scripts of operations: the pipelines go to BINDIR, their steps and
# library to CESUTGLIBDIR, each with the installed paths written in.
PIPELINES = cesutg-recevoir cesutg-quotidien cesutg-hebdo cesutg-mensuel
LIBSCRIPTS = integrer cesutg-lib.sh

# A command may list pkg-config modules it needs in cmd/NAME/pkgs.
pkgs	 = $(shell test -f cmd/$(1)/pkgs && pkg-config --cflags --libs $$(cat cmd/$(1)/pkgs))

all: $(BINS) $(TOOLS)

$(B)/%.o: %.c lib/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(XCPPFLAGS) $(CPPFLAGS) -c -o $@ $<

# lib/pdf.c draws with cairo and pango; only commands listing pangocairo in
# cmd/NAME/pkgs call it, so the others never pull it from the archive.
$(B)/lib/pdf.o: XCPPFLAGS += $(shell pkg-config --cflags pangocairo)
$(B)/lib/pdfpolices.o: XCPPFLAGS += $(shell pkg-config --cflags pangocairo fontconfig) \
	-DCESUTG_FC_CACHEDIR=\"$(shell pkg-config --variable=cachedir fontconfig)\"
$(B)/lib/graphique.o: XCPPFLAGS += $(shell pkg-config --cflags pangocairo)

$(B)/libcesutg.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

.SECONDEXPANSION:
$(B)/bin/%: $$(wildcard cmd/$$*/*.c cmd/$$*/*.h cmd/$$*/*.sql cmd/$$*/regles/*.sql) $(B)/libcesutg.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(XCPPFLAGS) $(CPPFLAGS) -Icmd/$* -o $@ \
	    $(filter %.c,$^) $(B)/libcesutg.a $(LDFLAGS) $(call pkgs,$*) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libcesutg.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(XCPPFLAGS) $(CPPFLAGS) $$(pkg-config --cflags check) \
	    -o $@ $< $(B)/libcesutg.a $(LDFLAGS) $$(pkg-config --libs check) $(LDLIBS)

$(B)/tools/%: tests/tools/%.c $(B)/libcesutg.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(XCPPFLAGS) $(CPPFLAGS) -o $@ $< \
	    $(B)/libcesutg.a $(LDFLAGS) $(LDLIBS)

deps:
	@sh scripts/deps

check: deps
	$(MAKE) all $(UNITS)
	@sh tests/run-unit $(B) $(UNITS)
	@sh tests/golden $(B)
	@sh tests/manlint
	@for t in tests/integration/*.sh; do [ -f "$$t" ] || continue; \
	    sh "$$t" $(B) || exit 1; done

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) B=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" check

demo: deps
	$(MAKE) all
	@sh scripts/demo $(B)

bench: deps
	$(MAKE) all
	@sh scripts/bench $(B)

# Coverage-guided fuzzing (libFuzzer, clang) of the record codec, then of
# parse and emit of every converter (tests/fuzz/run): FUZZTIME seconds
# (0: no limit) or FUZZ_RUNS executions (-1: no limit) each, whichever
# ends first. FUZZ_SAN: the sanitizers (address,undefined; undefined;
# none), each set built apart; FUZZ_REPLAY=1 runs every input of the
# corpus once without mutating (e.g. under ASan, the corpus grown by a
# faster run). FUZZ_CMDS: only these converters, without the codec.
# Buffers are small and lines short in this build, so that
# refills, flushes and the too-long line are reached by short inputs.
# Comparisons are traced (libFuzzer's hints for the bytes to try) where
# input is decoded, not in the files that format messages and output
# (FUZZNOCMP): they cost a third of each execution there.
FUZZTIME ?= 60
FUZZ_RUNS ?= -1
FUZZ_SAN ?= address,undefined
FUZZ_REPLAY ?= 0
FUZZ_CMDS ?=
comma	:= ,
FUZZB	 = build/fuzz-$(subst $(comma),-,$(FUZZ_SAN))
FUZZCF	 = -O2 -g -fsanitize=fuzzer-no-link$(if $(filter-out none,$(FUZZ_SAN)),$(comma)$(FUZZ_SAN)) \
	   -fno-sanitize-recover=all -DLINES_BLOCK=128 -DOUT_BLOCK=256 -DLINES_MAX=4096
FUZZNOCMP = afile buf charset csvio diag err out
fuzz: deps
	$(MAKE) B=$(FUZZB) CC=clang CFLAGS="$(FUZZCF) -fno-sanitize-coverage=trace-cmp" \
	    $(FUZZNOCMP:%=$(FUZZB)/lib/%.o)
	$(MAKE) B=$(FUZZB) CC=clang CFLAGS="$(FUZZCF)" $(FUZZB)/libcesutg.a
	clang $(FUZZCF) -fsanitize=fuzzer $(WARN) $(XCPPFLAGS) \
	    -o $(FUZZB)/fuzz_rec tests/fuzz/fuzz_rec.c $(FUZZB)/libcesutg.a $(LDLIBS)
	mkdir -p build/fuzz/corpus
	$(if $(FUZZ_CMDS),: ,)$(FUZZB)/fuzz_rec -max_total_time=$(FUZZTIME) \
	    -runs=$(if $(filter 1,$(FUZZ_REPLAY)),0,$(FUZZ_RUNS)) \
	    build/fuzz/corpus tests/fuzz/corpus
	FUZZFLAGS="$(FUZZCF) $(WARN) $(XCPPFLAGS)" FUZZCONF="fuzzer,$(FUZZ_SAN)" \
	    FUZZ_CORPUS=build/fuzz FUZZ_REPLAY=$(FUZZ_REPLAY) \
	    sh tests/fuzz/run $(FUZZB) $(FUZZTIME) $(FUZZ_RUNS) $(FUZZ_CMDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	install -d $(DESTDIR)$(CESUTGLIBDIR)
	for s in $(PIPELINES) $(LIBSCRIPTS); do \
	    sed -e 's|^cesutg_lib=.*|cesutg_lib=$${CESUTG_LIB:-$(CESUTGLIBDIR)}|' \
	        -e 's|@BINDIR@|$(BINDIR)|' scripts/$$s >$(DESTDIR)$(CESUTGLIBDIR)/$$s.tmp && \
	    mv $(DESTDIR)$(CESUTGLIBDIR)/$$s.tmp $(DESTDIR)$(CESUTGLIBDIR)/$$s || exit 1; done
	cd $(DESTDIR)$(CESUTGLIBDIR) && chmod 0644 cesutg-lib.sh && \
	    chmod 0755 $(PIPELINES) integrer && mv -f $(PIPELINES) $(DESTDIR)$(BINDIR)/
	install -m 0755 scripts/cesutg-envoyer scripts/cesutg-mail $(DESTDIR)$(BINDIR)
	ln -sf cesutg-envoyer $(DESTDIR)$(BINDIR)/cesutg-recuperer

clean:
	rm -rf build var

.PHONY: all deps check asan demo bench fuzz install clean
