# The one place every third-party dependency is found. Each comes from a Debian package
# listed in deps/debian-packages.txt (installed by scripts/setup.sh).
find_package(nlohmann_json 3.10 REQUIRED)     # nlohmann-json3-dev
find_package(fmt REQUIRED)                    # libfmt-dev
find_package(CLI11 REQUIRED)                  # libcli11-dev (apps/cli only)
find_package(PkgConfig REQUIRED)              # pkg-config
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)   # libicu-dev (screening)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)    # libxml2-dev (lists: UN, EU, OFAC XML)
find_package(SQLite3 REQUIRED)                # libsqlite3-dev (store)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)       # libpqxx-dev (store: PostgreSQL)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)   # libcpp-httplib-dev (service: cordon serve)
find_package(Threads REQUIRED)
if(CORDON_BUILD_TESTS)
  find_package(GTest REQUIRED)                # libgtest-dev, libgmock-dev
endif()
if(CORDON_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)            # libbenchmark-dev
endif()
if(CORDON_WEB)
  # nodejs, npm (web/: the page is built with npm ci + node; its packages pinned by the lockfile)
  find_program(CORDON_NODE node)
  find_program(CORDON_NPM npm)
  if(NOT CORDON_NODE OR NOT CORDON_NPM)
    message(FATAL_ERROR "the web page needs node and npm (Debian nodejs, npm: scripts/setup.sh), or -DCORDON_WEB=OFF")
  endif()
endif()
if(CORDON_PYTHON_WANTED)
  # The Python binding (python/): pybind11-dev, python3-dev. Built for /usr/bin/python3 unless
  # Python_EXECUTABLE says otherwise (setup.py passes the interpreter pip runs under).
  if(NOT Python_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python_EXECUTABLE /usr/bin/python3)
  endif()
  set(PYBIND11_FINDPYTHON ON)
  find_package(Python 3.9 COMPONENTS Interpreter Development.Module)
  if(Python_FOUND)
    find_package(pybind11 2.6 CONFIG)
  endif()
endif()
