# The spacestudio part of `make demo`, sourced by demo.sh (which defines
# serve, run and say). The emulator prints LOG_BASE_URL, LOG_MAIL,
# LOG_PASSWORD, CLIENT_ID and SPACESTUDIO_TOKEN_URL: the Python package's
# .env variables plus the Keycloak URL override.
echo "== spacestudio =============================================================="
serve spacestudio
run spacestudio whoami -a id
run spacestudio propulsion-system create --name "ExoMG-micro" --field thrust=0.014 --field isp=800 \
  --field power=100 --field totalMass=4 -a id name
run spacestudio spacecraft create --name "Demo 12U" --field platformMass=20 --field platformPower=30 \
  --ref thruster=propulsion-system:ExoMG-micro -a id name thruster.name
run spacestudio orbit create --name "SSO 500 km" --field type=Circular --field altitude=500000 \
  --field inclination=1.7 --field orbitDateTime=2024-01-01T00:00:00.000Z -a id name altitude
echo
say spacestudio orbit create --name "SSO 500 km"
"$BIN" spacestudio orbit create --name "SSO 500 km" 2>&1 | sed 's/^/    /' || true
echo "# names are unique per collection: a 409 (facade.ErrConflict)"
run spacestudio orbit update --name "SSO 500 km" --field inclination=1.72 -a id name inclination
run spacestudio simulation-mission create --name "Raise to 550 km" --field type="Orbital Transfer" \
  --ref spacecraft=spacecraft:"Demo 12U" --ref initialOrbit=orbit:"SSO 500 km" \
  --field targetDefinition=DELTA --field deltaSemiMajorAxis=50000 --field maximumDuration=2592000 \
  --field ephemeridesStepInSeconds=864000 -a id name type
run spacestudio simulation-mission run --name "Raise to 550 km" --interval 200ms
run spacestudio simulation-mission results --name "Raise to 550 km" -a results.maneuverReport results.fieldIndexes
log=$("$BIN" spacestudio simulation-mission get --name "Raise to 550 km" -j -a computationLogId | sed -n 's/^ *"computationLogId": "\([0-9a-f]*\)".*/\1/p')
echo "# the emulator names the ephemeris file of a computation ephemerides-<computationLogId>"
run spacestudio file download "ephemerides-$log" --format csv
run spacestudio simulation-mission results --name "Raise to 550 km" -o "$work/results.json"
echo "# results.json: $(wc -c < "$work/results.json") bytes, written whole or not at all"
echo
echo "Done: every command above ran against the in-memory spacestudio emulator."
