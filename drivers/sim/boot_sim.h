/* SPDX-License-Identifier: MIT */
/*
 * The boot physics model: one station's pump, manifold, zone valves, exhaust
 * and both boots, driven by the ELECTRICAL levels of the station's output
 * lines on the simulated GPIO backend (gpio_sim.h), so wiring polarity
 * (active_low) is exercised for real.  It also stands in for the pressure
 * sensors: as an HX710B on the station's clock/data lines (so hx710b.c runs
 * unchanged) or directly for SENSOR_SIM, for the control channel and the
 * independent safety channel alike (drivers/sim/sim_sensor.h builds the
 * sensor objects; drivers/sim/sim_hw.h assembles a whole simulated kiosk).
 * With pins->has_pump_sense it drives that input with the pump's true state.
 *
 * Model (isothermal ideal gas, gauge pressures in mmHg, flows in litres of
 * free air per second):
 *   - pump: Q = Q0 * (1 - P_manifold / P_stall), no back-flow when off or
 *     stalled (diaphragm pumps have check valves);
 *   - manifold + hoses: fixed volume V_m, capacitance V_m / P_atm;
 *   - zone k (the left and right chamber of zone k share the manifold port, so
 *     they are one chamber of twice the volume): volume V0 + c * P, so
 *     capacitance dn/dP = (V0 + c*P + (P_atm + P) * c) / P_atm;
 *   - zone valves, exhaust and leaks: orifices, Q = k * sqrt(|dP|) (air at
 *     dP << P_atm is nearly incompressible);
 *   - fixed substeps (default 2 ms); each transfer is clamped to what would
 *     equalise its two ends, so the stiff small manifold never oscillates;
 *   - sensor on the manifold: Gaussian noise from a seeded xorshift RNG, so
 *     every run is reproducible.
 *
 * Default values and where they come from (assumptions, not measurements):
 *   - pump 12 L/min free flow, 300 mmHg (40 kPa) stall: datasheets of 12 V
 *     diaphragm air pumps used in massage and IPC devices;
 *   - manifold + hoses 100 mL: a small manifold block and 2 x 1.5 m of 8 mm
 *     hose;
 *   - zone (both legs) 100 mL at 0 mmHg + 10 mL/mmHg: a sleeve chamber holds
 *     about 350 mL per leg at 60 mmHg (sleeve chambers of 0.3-0.5 L);
 *   - zone valve 0.19 L/s/sqrt(mmHg): 5 mm orifice, Cd 0.65 -> 1.5 L/s at
 *     60 mmHg; exhaust 0.27: 6 mm orifice -> 2.1 L/s at 60 mmHg;
 *   - sensor noise 0.3 mmHg (1 sigma), HX710B at 10 Hz (25 pulses) or 40 Hz
 *     (27 pulses) as the datasheet gives.
 * Resulting figures (tests/drivers/test_boot_sim.c checks them): one zone
 * fills from 0 to 40 mmHg in about 2.3 s and to 60 mmHg in about 3.7 s (the
 * manifold reads ~0.7 mmHg above the filling zone at 60 mmHg: valve drop); one zone
 * vents from 60 to below 3 mmHg in about 0.75 s, six zones from 50 mmHg in
 * about 2.5 s; a blocked hose climbs ~1300 mmHg/s (~26 mmHg per 20 ms tick)
 * versus ~20 mmHg/s filling a zone; a 12 L/min leak (at 60 mmHg) caps a zone
 * near 44 mmHg.
 *
 * Cost: boot_sim_advance() integrates only substeps; about 10 per 20 ms tick,
 * each a handful of multiplications and one sqrt per open orifice: ~0.5 us
 * per station per tick in a release build (x86-64, 2 zones open).
 *
 * Ownership and threading: a boot_sim belongs to the thread that uses its
 * struct gpio (the control thread); it must be destroyed before the gpio.
 */
#ifndef DRIVERS_BOOT_SIM_H
#define DRIVERS_BOOT_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/gpio.h"
#include "drivers/station_hw.h"

struct boot_sim_params {
	double ambient_mmhg;                 /* 760 */
	double pump_free_flow_lpm;           /* 12 */
	double pump_stall_mmhg;              /* 300 */
	double manifold_volume_ml;           /* 100 */
	double zone_volume_ml;               /* 100: both legs, gas at 0 mmHg gauge */
	double zone_compliance_ml_per_mmhg;  /* 10: both legs */
	double zone_valve_lps_per_sqrt_mmhg; /* 0.19 */
	double exhaust_lps_per_sqrt_mmhg;    /* 0.27 */
	double sensor_noise_mmhg;            /* 0.3, one sigma; 0 = no noise */
	unsigned int substep_ms;             /* 2 */
	uint64_t seed;                       /* RNG seed; same seed, same run */
};

void boot_sim_params_default(struct boot_sim_params *params);

/* Build the model of the station on pins and register it on the pump line so
 * boot_sim_find() (and the simulator's sensor factory, sim_sensor.h) can
 * reach it.  With pins->sensor == SENSOR_HX710B it emulates the ADC on
 * sensor_clock/sensor_data, using pins->sensor_offset_counts and
 * sensor_mmhg_per_count backwards; likewise a second chip on
 * safety_clock/safety_data for pins->safety_sensor.  Build it before the
 * station's lines are requested (sim_hw.h does), so the emulated inputs
 * (DOUT high, stop circuit closed, pump sense) have their levels from the
 * first read.  params NULL = defaults.  NULL + errno: EINVAL (not a
 * simulator, bad pins/params), EEXIST (a model is already on the pump line),
 * ENOMEM. */
struct boot_sim *boot_sim_create(struct gpio *sim_gpio, const struct station_pins *pins,
                                 const struct boot_sim_params *params);
void boot_sim_destroy(struct boot_sim *sim); /* unregisters; NULL ok */

/* The model registered on pins' pump line, or NULL. */
struct boot_sim *boot_sim_find(struct gpio *sim_gpio, const struct station_pins *pins);

/* Integrate the physics up to now_ms (the control loop's clock) with the
 * outputs as they are now.  The first call only sets the clock; a jump of
 * more than 10 s integrates the last 10 s only.  Going backwards is ignored. */
void boot_sim_advance(struct boot_sim *sim, uint64_t now_ms);

/* SENSOR_SIM, control channel: the manifold pressure as a sensor reports it
 * (noise, faults).
 * raw is in ADC counts via the pins' calibration (or 1 count = 0.0001 mmHg
 * when sensor_mmhg_per_count is 0).  Always 0; out->status says the rest. */
int boot_sim_read_sensor(struct boot_sim *sim, struct pressure_reading *out);

/* Truth for tests and the UI's simulation view (no noise). */
double boot_sim_zone_mmhg(const struct boot_sim *sim, size_t zone);
double boot_sim_manifold_mmhg(const struct boot_sim *sim);
double boot_sim_pump_flow_lpm(const struct boot_sim *sim); /* over the last substep */
size_t boot_sim_zone_count(const struct boot_sim *sim);
uint64_t boot_sim_now_ms(const struct boot_sim *sim);

/* Force pressures (tests: start from a pressurised boot). */
void boot_sim_set_zone_mmhg(struct boot_sim *sim, size_t zone, double mmhg);
void boot_sim_set_manifold_mmhg(struct boot_sim *sim, double mmhg);

/* ---- fault backdoors ----------------------------------------------------
 * Each backdoor injects one single fault and leaves everything else working;
 * the truth functions above keep reporting the real pressures.  Thread: the
 * one that uses the struct gpio, except boot_sim_press_stop_button(). */

/* A hole in zone k's chambers leaking leak_lpm litres/min at 60 mmHg
 * (orifice law: sqrt(P/60) of that at P).  0 closes it. */
void boot_sim_set_leak(struct boot_sim *sim, size_t zone, double leak_lpm);
/* Boot unplugged: every zone port open to the air (pressures stay 0). */
void boot_sim_set_disconnected(struct boot_sim *sim, bool disconnected);
/* Hose kinked between manifold and boots: the zones are cut off; the pump
 * only sees the manifold. */
void boot_sim_set_blocked(struct boot_sim *sim, bool blocked);

/* The installer's mechanical relief valve on the manifold (hardware, not a
 * fault): above crack_mmhg it vents through an orifice of
 * lps_per_sqrt_mmhg (0.27 is the exhaust's size; a 12 L/min pump is held
 * within a few mmHg of the cracking pressure).  crack_mmhg 0 removes it. */
void boot_sim_set_relief_valve(struct boot_sim *sim, double crack_mmhg, double lps_per_sqrt_mmhg);

enum boot_sim_valve_state {
	BOOT_SIM_VALVE_WORKS,
	BOOT_SIM_VALVE_STUCK_CLOSED,
	BOOT_SIM_VALVE_STUCK_OPEN,
};
#define BOOT_SIM_EXHAUST (-1)
/* valve: a zone index, or BOOT_SIM_EXHAUST (stuck closed: an exhaust that
 * does not open). */
void boot_sim_set_stuck_valve(struct boot_sim *sim, int valve, enum boot_sim_valve_state state);

enum boot_sim_pump_state {
	BOOT_SIM_PUMP_WORKS,  /* runs while its output is energised */
	BOOT_SIM_PUMP_WELDED, /* relay welded: runs whatever the output says */
	BOOT_SIM_PUMP_DEAD,   /* never runs (blown fuse, open motor) */
};
void boot_sim_set_pump(struct boot_sim *sim, enum boot_sim_pump_state state);
/* True when the pump runs now (after faults): what a pump_sense line reads. */
bool boot_sim_pump_running(const struct boot_sim *sim);

/* The station's sensor channels.  Each has its own chip (or SENSOR_SIM
 * reader), its own noise generator and its own faults: a fault injected on
 * one never shows on the other.  Both read the manifold. */
enum boot_sim_sensor {
	BOOT_SIM_SENSOR_CONTROL, /* pins->sensor: what station_hw_read_pressure() reads */
	BOOT_SIM_SENSOR_SAFETY,  /* pins->safety_sensor: station_hw_read_safety_pressure() */
};

/* What the channel reports: truth * gain + offset_mmhg + noise (before its
 * ADC calibration, so an HX710B sees the same error in counts).  Defaults:
 * gain 1, offset 0, noise = the params' sensor_noise_mmhg (1 sigma). */
void boot_sim_sensor_set_gain(struct boot_sim *sim, enum boot_sim_sensor ch, double gain);
void boot_sim_sensor_set_offset_mmhg(struct boot_sim *sim, enum boot_sim_sensor ch,
                                     double offset_mmhg);
void boot_sim_sensor_set_noise_mmhg(struct boot_sim *sim, enum boot_sim_sensor ch,
                                    double sigma_mmhg);
/* Frozen at a plausible value: the channel keeps converting (fresh
 * PRESSURE_OK readings, an HX710B keeps pulling DOUT low) but every
 * conversion carries the same raw code, the one it reads when frozen. */
void boot_sim_sensor_set_frozen(struct boot_sim *sim, enum boot_sim_sensor ch, bool frozen);
/* Frozen at a given pressure (as the channel would report mmhg). */
void boot_sim_sensor_freeze_at(struct boot_sim *sim, enum boot_sim_sensor ch, double mmhg);
/* Stale: the channel stops converting.  An HX710B's DOUT never falls again
 * (its driver reads PRESSURE_STALE with the last value, forever); SENSOR_SIM
 * reads PRESSURE_STALE with the last value. */
void boot_sim_sensor_set_stale(struct boot_sim *sim, enum boot_sim_sensor ch, bool stale);
/* Dead: SENSOR_SIM reads PRESSURE_ERROR; an HX710B stops converting (DOUT
 * stays high, as for stale). */
void boot_sim_sensor_set_dead(struct boot_sim *sim, enum boot_sim_sensor ch, bool dead);

/* SENSOR_SIM read of one channel: the manifold as that channel reports it
 * (its error model and faults; raw via its calibration, or 1 count =
 * 0.0001 mmHg without one).  Always 0; out->status says the rest. */
int boot_sim_read_sensor_channel(struct boot_sim *sim, enum boot_sim_sensor ch,
                                 struct pressure_reading *out);

/* The control channel's faults by their first names (same as the
 * boot_sim_sensor_set_* calls on BOOT_SIM_SENSOR_CONTROL). */
void boot_sim_set_sensor_dead(struct boot_sim *sim, bool dead);
void boot_sim_set_sensor_stuck(struct boot_sim *sim, bool stuck);           /* = set_frozen */
void boot_sim_set_sensor_bias_mmhg(struct boot_sim *sim, double bias_mmhg); /* = offset */

/* The station's stop switch, when pins has one: the model drives the input
 * to its released level at creation (a wired, closed NC circuit); pressed
 * drives the pressed level (an open circuit).  The edge is queued and the
 * station's button fd becomes readable at once.  Callable from any thread
 * (a test or benchmark pressing while the control thread runs). */
void boot_sim_press_stop_button(struct boot_sim *sim, bool pressed);

#endif
